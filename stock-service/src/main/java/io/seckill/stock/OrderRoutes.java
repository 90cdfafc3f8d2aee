package io.seckill.stock;

import io.seckill.common.auth.UserIds;
import io.seckill.common.order.OrderIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Shopper cancel, called by the gateway on the shopper's behalf after it checked ownership. */
final class OrderRoutes {
  private final OrderCancellation cancellation;

  OrderRoutes(OrderCancellation cancellation) {
    this.cancellation = cancellation;
  }

  void mount(Router router) {
    router.post("/admin/v1/orders/:orderId/cancel").handler(HttpInput.requireJson()).handler(this::cancel);
  }

  private void cancel(RoutingContext ctx) {
    String orderId = ctx.pathParam("orderId");
    if (!OrderIds.valid(orderId)) {
      throw SaleValidator.invalid("orderId", "is not an order id");
    }
    JsonObject body = HttpInput.jsonObject(ctx);
    for (String field : body.fieldNames()) {
      if (!"userId".equals(field)) {
        throw SaleValidator.invalid(field, "is not a known field");
      }
    }
    String userId = SaleValidator.text(body, "userId");
    if (!UserIds.valid(userId)) {
      throw SaleValidator.invalid("userId", "must be " + UserIds.RULE);
    }
    cancellation.cancelByShopper(orderId, userId).onSuccess(ctx::json).onFailure(ctx::fail);
  }
}
