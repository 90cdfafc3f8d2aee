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
      payment_timeout_s, require_token, stock_buckets, challenge_difficulty, paused, ended_at""";

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

  // ---- operator controls (SaleControlRoutes, BlocklistRoutes): each runs in the transaction of its audit row ----

  /** The sale, locked against a concurrent control until the transaction ends. */
  static final String SALE_FOR_UPDATE = "SELECT " + SALE_COLUMNS + " FROM sale WHERE sale_id = $1 FOR UPDATE";

  static final String SET_PAUSED = "UPDATE sale SET paused = $2 WHERE sale_id = $1 RETURNING " + SALE_COLUMNS;

  /** Ends the sale now unless it has ended already (by an operator or by its window). */
  static final String END_NOW = """
      UPDATE sale SET ended_at = clock_timestamp()
      WHERE sale_id = $1 AND ended_at IS NULL AND ends_at > clock_timestamp()
      RETURNING """ + " " + SALE_COLUMNS;

  /**
   * An edit, only while the sale has not opened: the condition is re-checked by PostgreSQL at the moment of the
   * write (clock_timestamp, not the transaction's start), so an edit racing the opening either lands before it
   * or changes nothing. Before the opening no order can exist, so the stock sets remaining as well.
   */
  static final String EDIT_UNOPENED = """
      UPDATE sale SET item_name = $2, price_cents = $3, initial_stock = $4, remaining = $4, per_user_limit = $5,
                      starts_at = $6, ends_at = $7, payment_timeout_s = $8, require_token = $9, stock_buckets = $10,
                      challenge_difficulty = $11
      WHERE sale_id = $1 AND starts_at > clock_timestamp() AND ended_at IS NULL
      RETURNING """ + " " + SALE_COLUMNS;

  /** Whether the sale has opened by the database's clock (the clock EDIT_UNOPENED decides by). */
  static final String HAS_OPENED = "SELECT starts_at <= clock_timestamp() AS opened FROM sale WHERE sale_id = $1";

  static final String PAUSED_SALES = """
      SELECT count(*) AS paused FROM sale WHERE paused AND least(ends_at, coalesce(ended_at, ends_at)) > now()""";

  /** Sales whose Redis buckets may still admit: the blocklist is copied into each of their buckets. */
  static final String LIVE_SALES = """
      SELECT sale_id, stock_buckets FROM sale WHERE least(ends_at, coalesce(ended_at, ends_at)) > now() ORDER BY sale_id""";

  static final String BLOCKED_USERS = "SELECT user_id FROM blocked_user ORDER BY user_id";

  static final String BLOCKED_USER = "SELECT user_id, blocked_at, blocked_by FROM blocked_user WHERE user_id = $1";

  static final String BLOCK_USER = """
      INSERT INTO blocked_user (user_id, blocked_by) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING
      RETURNING user_id""";

  static final String UNBLOCK_USER = "DELETE FROM blocked_user WHERE user_id = $1 RETURNING user_id";

  static final String INSERT_AUDIT = """
      INSERT INTO admin_audit (sale_id, target_user_id, action, outcome, credential, operator, request_id, detail)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

  /** A page of a sale's audit, newest first, starting below the audit id {@code $2} (keyset pagination). */
  static final String SALE_AUDIT_PAGE = """
      SELECT audit_id, action, outcome, credential, operator, request_id, detail, at FROM admin_audit
      WHERE sale_id = $1 AND audit_id < $2 ORDER BY audit_id DESC LIMIT $3""";

  static final String GIVE_BACK_STOCK = "UPDATE sale SET remaining = remaining + $2 WHERE sale_id = $1";
}
