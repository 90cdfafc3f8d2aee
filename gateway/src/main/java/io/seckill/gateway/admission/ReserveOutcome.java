package io.seckill.gateway.admission;

import io.vertx.redis.client.Response;

/**
 * What {@code reserve.lua} answered: its first element names the outcome, the second (if any) is
 * the order id (OK, DUPLICATE) or a number (NOT_STARTED/ENDED time, LIMIT, SOLD_OUT stock).
 */
public record ReserveOutcome(Kind kind, String orderId, long number) {
  public enum Kind { OK, DUPLICATE, NO_SALE, NOT_STARTED, ENDED, PAUSED, BLOCKED, BAD_TOKEN, LIMIT, SOLD_OUT, RELEASED }

  public static ReserveOutcome parse(Response response) {
    if (response == null || response.size() == 0) {
      throw new IllegalStateException("reserve.lua returned nothing");
    }
    Kind kind = Kind.valueOf(response.get(0).toString());
    return switch (kind) {
      case OK -> new ReserveOutcome(kind, response.get(1).toString(), response.get(2).toLong());
      case DUPLICATE -> new ReserveOutcome(kind, response.get(1).toString(), 0);
      case NO_SALE, PAUSED, BLOCKED, BAD_TOKEN, RELEASED -> new ReserveOutcome(kind, null, 0);
      case NOT_STARTED, ENDED, LIMIT, SOLD_OUT -> new ReserveOutcome(kind, null, response.get(1).toLong());
    };
  }
}
