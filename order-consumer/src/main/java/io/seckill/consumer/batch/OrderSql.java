package io.seckill.consumer.batch;

/**
 * Every statement the consumer runs, named by intent. Batches travel as parallel arrays through
 * {@code unnest(...) WITH ORDINALITY}, so one round trip carries the whole batch and arrival order
 * is kept (the ordinality decides which of two orders of one shopper wins).
 */
final class OrderSql {
  private OrderSql() {
  }

  /**
   * Inserts the batch as PENDING_PAYMENT. DO NOTHING on any conflict: the primary key (a
   * redelivery) or the partial one-live-order-per-shopper index (a duplicate). Orders of a sale
   * missing from the database are left out (they would break the foreign key and the whole batch).
   * $1 order ids, $2 sale ids, $3 user ids, $4 quantities, $5 request ids.
   */
  static final String INSERT_PENDING_ORDERS = """
      INSERT INTO orders (order_id, sale_id, user_id, quantity, status, request_id)
      SELECT t.order_id, t.sale_id, t.user_id, t.quantity, 'PENDING_PAYMENT', t.request_id
        FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::text[])
             WITH ORDINALITY AS t(order_id, sale_id, user_id, quantity, request_id, ord)
        JOIN sale s ON s.sale_id = t.sale_id
       ORDER BY t.ord
      ON CONFLICT DO NOTHING
      RETURNING order_id""";

  /**
   * Explains each order the insert skipped: the existing row with its id (a redelivery), whether
   * its sale exists, and the shopper's live order in the sale (a duplicate). $1 order ids, $2 sale
   * ids, $3 user ids.
   */
  static final String EXPLAIN_SKIPPED_ORDERS = """
      SELECT t.order_id, o.status, o.reason, s.sale_id IS NOT NULL AS sale_exists, live.order_id AS live_order_id
        FROM unnest($1::text[], $2::bigint[], $3::text[]) AS t(order_id, sale_id, user_id)
        LEFT JOIN orders o ON o.order_id = t.order_id
        LEFT JOIN sale s ON s.sale_id = t.sale_id
        LEFT JOIN orders live ON live.sale_id = t.sale_id AND live.user_id = t.user_id AND live.status <> 'FAILED'""";

  /** Durable FAILED rows (they hold no stock, so the partial index lets them in). $6 the reason. */
  static final String INSERT_FAILED_ORDERS = """
      INSERT INTO orders (order_id, sale_id, user_id, quantity, status, reason, request_id)
      SELECT t.order_id, t.sale_id, t.user_id, t.quantity, 'FAILED', $6, t.request_id
        FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::text[])
             WITH ORDINALITY AS t(order_id, sale_id, user_id, quantity, request_id, ord)
       ORDER BY t.ord
      ON CONFLICT DO NOTHING""";

  /** Fallback only: locks the batch's sale rows (in id order, so two consumers cannot deadlock) and reads their stock. */
  static final String LOCK_SALES = """
      SELECT sale_id, remaining FROM sale WHERE sale_id = ANY($1::bigint[]) ORDER BY sale_id FOR UPDATE""";

  /** Fallback only: orders inserted in this transaction that do not fit the stock left. $1 order ids. */
  static final String MARK_SOLD_OUT = """
      UPDATE orders SET status = 'FAILED', reason = 'SOLD_OUT', updated_at = now()
       WHERE order_id = ANY($1::text[]) AND status = 'PENDING_PAYMENT'""";

  /**
   * Takes each sale's stock once per batch, by what the batch inserted, never below zero. A sale
   * missing from the result had too little left. $1 sale ids (ascending), $2 quantities.
   */
  static final String DECREMENT_SALES = """
      UPDATE sale s SET remaining = s.remaining - d.quantity
        FROM unnest($1::bigint[], $2::int[]) AS d(sale_id, quantity)
       WHERE s.sale_id = d.sale_id AND s.remaining - d.quantity >= 0
      RETURNING s.sale_id""";

  /**
   * The start-up warm-up's sale row, inserted inside a transaction that is always rolled back (never committed):
   * its id is in the reserved range stock-service never assigns. $1 sale id, $2 its stock.
   */
  static final String INSERT_WARM_UP_SALE = """
      INSERT INTO sale (sale_id, item_name, price_cents, initial_stock, remaining, per_user_limit, starts_at, ends_at,
                        payment_timeout_s)
      VALUES ($1, 'warm-up', 1, $2, $2, 1, now() - interval '1 minute', now() + interval '1 hour', 60)""";

  static final String PING = "SELECT 1";
}
