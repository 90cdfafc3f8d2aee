package io.seckill.stock;

import io.seckill.common.order.OrderIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** Shopper cancel, called by the gateway on the shopper's behalf after it checked ownership. */
final class OrderRoutes {
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
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
    if (!USER_ID.matcher(userId).matches()) {
      throw SaleValidator.invalid("userId", "must be 1 to 64 characters of [A-Za-z0-9._@-]");
    }
    cancellation.cancelByShopper(orderId, userId).onSuccess(ctx::json).onFailure(ctx::fail);
  }
}
