package io.seckill.common.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Settles an order whose fate is ambiguous — its Kafka record may or may not have been appended (a send
 * that timed out while the ack was late), or its reservation was orphaned — with the orders table's
 * primary key as the arbiter. A FAILED row is inserted under the order id unless a row exists already:
 * <ul>
 *   <li>inserted ({@link Fate#fenced()}): the order is dead for good. A record that reaches the consumer
 *       later conflicts on the primary key and changes nothing (the consumer sees a FAILED row and
 *       releases the reservation, idempotently), so the caller may release the reservation and say
 *       "nothing was reserved";</li>
 *   <li>not inserted: the consumer got there first; the existing row's status is the order's fate.</li>
 * </ul>
 * FAILED rows are outside the one-live-order-per-shopper index, so a fence never blocks the shopper.
 * The two statements run outside a transaction on purpose: the read after a conflicting insert must
 * see the row the insert waited for, which a statement snapshot taken before it would not.
 */
public final class OrderFence {
  /** $1 order id, $2 sale id, $3 user id, $4 quantity, $5 reason, $6 request id. */
  static final String FENCE = """
      INSERT INTO orders (order_id, sale_id, user_id, quantity, status, reason, request_id)
      VALUES ($1, $2, $3, $4, 'FAILED', $5, $6)
      ON CONFLICT (order_id) DO NOTHING
      RETURNING status""";

  static final String STATUS = "SELECT status, reason FROM orders WHERE order_id = $1";

  /** What the order turned out to be: fenced now (FAILED with the given reason), or the row that exists. */
  public record Fate(boolean fenced, String status, String reason) {
    public boolean live() {
      return !"FAILED".equals(status);
    }
  }

  private final Pool pool;

  public OrderFence(Pool pool) {
    this.pool = pool;
  }

  public Future<Fate> settle(String orderId, long saleId, String userId, int quantity, String reason,
                             String requestId) {
    String request = requestId == null || requestId.length() <= 64 ? requestId : requestId.substring(0, 64);
    return pool.preparedQuery(FENCE).execute(Tuple.of(orderId, saleId, userId, quantity, reason, request))
        .compose(inserted -> inserted.size() == 1 ? Future.succeededFuture(new Fate(true, "FAILED", reason))
            : pool.preparedQuery(STATUS).execute(Tuple.of(orderId)).map(rows -> {
              if (rows.size() == 0) {
                // Only possible if the row was deleted in between, which nothing does: refuse to guess.
                throw new IllegalStateException("order " + orderId + " conflicted but has no row");
              }
              Row row = rows.iterator().next();
              return new Fate(false, row.getString("status"), row.getString("reason"));
            }));
  }
}
