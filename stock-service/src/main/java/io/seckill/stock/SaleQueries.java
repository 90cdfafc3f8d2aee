package io.seckill.stock;

/** Every SQL statement about sales and their stock, named by intent. */
final class SaleQueries {
  private SaleQueries() {
  }

  /** First statement of a read-only snapshot: every following read sees the same committed state. */
  static final String SNAPSHOT_READS = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";

  static final String HEALTH_PROBE = "SELECT 1";

  static final String SALE_COLUMNS = """
      sale_id, item_name, price_cents, initial_stock, remaining, per_user_limit, starts_at, ends_at,
      payment_timeout_s, require_token, stock_buckets, challenge_difficulty""";

  static final String INSERT_SALE = """
      INSERT INTO sale (item_name, price_cents, initial_stock, remaining, per_user_limit, starts_at, ends_at,
                        payment_timeout_s, require_token, stock_buckets, challenge_difficulty)
      VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10)
      RETURNING """ + " " + SALE_COLUMNS;

  static final String SALE_BY_ID = "SELECT " + SALE_COLUMNS + " FROM sale WHERE sale_id = $1";

  static final String ALL_SALES = "SELECT " + SALE_COLUMNS + " FROM sale ORDER BY sale_id";

  /** Sales the reconciler watches: not yet ended, or ended recently enough that payments and returns still move stock. */
  static final String ACTIVE_SALE_IDS = """
      SELECT sale_id FROM sale
      WHERE ends_at + make_interval(secs => payment_timeout_s) + interval '1 hour' > now()
      ORDER BY sale_id""";

  static final String ORDER_TOTALS_BY_STATUS = """
      SELECT status, count(*) AS orders, coalesce(sum(quantity), 0) AS units
      FROM orders WHERE sale_id = $1 GROUP BY status""";

  static final String PAYMENTS_BY_OUTCOME = """
      SELECT p.outcome, count(*) AS payments, coalesce(sum(p.amount_cents), 0) AS amount_cents
      FROM payment_event p JOIN orders o ON o.order_id = p.order_id
      WHERE o.sale_id = $1 GROUP BY p.outcome""";

  /** Every shopper holding a live (non-FAILED) order: the Redis {@code buyers} hash is rebuilt from it. */
  static final String BUYERS = "SELECT user_id, order_id FROM orders WHERE sale_id = $1 AND status <> 'FAILED'";

  /** Orders whose stock already came back: the Redis {@code returned} set is rebuilt from it. */
  static final String RETURNED_ORDER_IDS = "SELECT order_id FROM stock_return WHERE sale_id = $1";

  /** Which of the orders Redis still counts as pending are already rows, and in what state. */
  static final String ORDERS_AMONG = """
      SELECT order_id, user_id, quantity, status, reason FROM orders
      WHERE sale_id = $1 AND order_id = ANY($2)""";

  /** Returns committed in the DB but not yet marked applied to Redis (return.lua may have run already). */
  static final String UNAPPLIED_RETURNS_OF_SALE = """
      SELECT order_id, quantity FROM stock_return WHERE sale_id = $1 AND NOT applied_to_redis""";

  static final String GIVE_BACK_STOCK = "UPDATE sale SET remaining = remaining + $2 WHERE sale_id = $1";
}
