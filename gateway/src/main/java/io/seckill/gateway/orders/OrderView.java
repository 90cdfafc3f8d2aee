package io.seckill.gateway.orders;

import io.vertx.core.json.JsonObject;

/** One order as a shopper may see it. {@code reason} is null unless the order FAILED or was cancelled with one. */
public record OrderView(String orderId, long saleId, String userId, int quantity, String status, String reason) {
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("orderId", orderId).put("saleId", saleId).put("quantity", quantity)
        .put("status", status);
    if (reason != null) {
      json.put("reason", reason);
    }
    return json;
  }
}
