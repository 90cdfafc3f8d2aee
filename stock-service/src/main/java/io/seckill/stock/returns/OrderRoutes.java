package io.seckill.stock.returns;

import io.seckill.common.auth.UserIds;
import io.seckill.common.order.OrderIds;
import io.seckill.stock.http.HttpInput;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Shopper cancel, called by the gateway on the shopper's behalf after it checked ownership. */
public final class OrderRoutes {
  private final OrderCancellation cancellation;

  public OrderRoutes(OrderCancellation cancellation) {
    this.cancellation = cancellation;
  }

  public void mount(Router router) {
    router.post("/admin/v1/orders/:orderId/cancel").handler(HttpInput.requireJson()).handler(this::cancel);
  }

  private void cancel(RoutingContext ctx) {
    String orderId = ctx.pathParam("orderId");
    if (!OrderIds.valid(orderId)) {
      throw HttpInput.invalid("orderId", "is not an order id");
    }
    JsonObject body = HttpInput.jsonObject(ctx);
    for (String field : body.fieldNames()) {
      if (!"userId".equals(field)) {
        throw HttpInput.invalid(field, "is not a known field");
      }
    }
    String userId = HttpInput.text(body, "userId");
    if (!UserIds.valid(userId)) {
      throw HttpInput.invalid("userId", "must be " + UserIds.RULE);
    }
    cancellation.cancelByShopper(orderId, userId).onSuccess(ctx::json).onFailure(ctx::fail);
  }
}
