package io.seckill.stock.sale;

/**
 * Every SQL statement about sales, their warm-up, the operator controls and the blocklist, named by intent. The
 * reconciler's, the stock returns' and the audit's statements live beside their code (ReconcileQueries,
 * ReturnQueries, AdminQueries).
 */
public final class SaleQueries {
  private SaleQueries() {
  }

  /** First statement of a read-only snapshot: every following read sees the same committed state. */
  public static final String SNAPSHOT_READS = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";

  public static final String HEALTH_PROBE = "SELECT 1";

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

  /** Every shopper holding a live (non-FAILED) order: the Redis {@code buyers} hash is rebuilt from it. */
  static final String BUYERS = "SELECT user_id, order_id FROM orders WHERE sale_id = $1 AND status <> 'FAILED'";

  /** Orders whose stock already came back: the Redis {@code returned} set is rebuilt from it. */
  static final String RETURNED_ORDER_IDS = "SELECT order_id FROM stock_return WHERE sale_id = $1";

  /** Which of the orders Redis still counts as pending are already rows, and in what state. */
  public static final String ORDERS_AMONG = """
      SELECT order_id, user_id, quantity, status, reason FROM orders
      WHERE sale_id = $1 AND order_id = ANY($2)""";

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

  /** Sales whose Redis buckets may still admit: the blocklist is copied into each of their buckets. */
  static final String LIVE_SALES = """
      SELECT sale_id, stock_buckets FROM sale WHERE least(ends_at, coalesce(ended_at, ends_at)) > now() ORDER BY sale_id""";

  static final String BLOCKED_USERS = "SELECT user_id FROM blocked_user ORDER BY user_id";

  static final String BLOCKED_USER = "SELECT user_id, blocked_at, blocked_by FROM blocked_user WHERE user_id = $1";

  static final String BLOCK_USER = """
      INSERT INTO blocked_user (user_id, blocked_by) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING
      RETURNING user_id""";

  static final String UNBLOCK_USER = "DELETE FROM blocked_user WHERE user_id = $1 RETURNING user_id";
}
