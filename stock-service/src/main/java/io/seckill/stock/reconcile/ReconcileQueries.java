package io.seckill.stock.reconcile;

/** The SQL the reconciler and the stock probe read PostgreSQL's side of a sale with, named by intent. */
final class ReconcileQueries {
  private ReconcileQueries() {
  }

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

  /** Returns committed in the DB but not yet marked applied to Redis (return.lua may have run already). */
  static final String UNAPPLIED_RETURNS_OF_SALE = """
      SELECT order_id, quantity FROM stock_return WHERE sale_id = $1 AND NOT applied_to_redis""";
}
