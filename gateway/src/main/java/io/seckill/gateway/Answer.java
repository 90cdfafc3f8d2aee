package io.seckill.gateway;

import io.vertx.core.json.JsonObject;

/** A successful answer to send (or replay): status, JSON body, and the Location header when there is one. */
public record Answer(int status, JsonObject body, String location) {

  /**
   * A "you already hold this order" answer whose order has FAILED. A failed order holds nothing, so the
   * buyers entry or spilled pointer that made the request a duplicate is stale.
   */
  public boolean failedDuplicate() {
    return status == 200 && body.getBoolean("duplicate", false) && "FAILED".equals(body.getString("status"));
  }
}
