package io.seckill.stock.returns;

/** The SQL of cancellations and stock returns, named by intent. Status changes are conditional updates. */
final class ReturnQueries {
  private ReturnQueries() {
  }

  /** The conditional update whose returned rows decide which orders give stock back. */
  static final String CANCEL_PENDING = """
      UPDATE orders SET status = 'CANCELLED', reason = $2, updated_at = now()
      WHERE order_id = ANY($1) AND status = 'PENDING_PAYMENT'
      RETURNING order_id, sale_id, quantity""";

  static final String CANCEL_PENDING_OF_SHOPPER = """
      UPDATE orders SET status = 'CANCELLED', reason = $3, updated_at = now()
      WHERE order_id = $1 AND user_id = $2 AND status = 'PENDING_PAYMENT'
      RETURNING order_id, sale_id, quantity""";

  static final String ORDER_STATUS_OF_SHOPPER = "SELECT status FROM orders WHERE order_id = $1 AND user_id = $2";

  static final String INSERT_STOCK_RETURN = """
      INSERT INTO stock_return (order_id, sale_id, quantity, cause) VALUES ($1, $2, $3, $4)
      ON CONFLICT (order_id) DO NOTHING""";

  static final String UNAPPLIED_RETURNS = """
      SELECT order_id, sale_id, quantity, cause FROM stock_return
      WHERE NOT applied_to_redis ORDER BY created_at LIMIT $1""";

  static final String MARK_RETURN_APPLIED = "UPDATE stock_return SET applied_to_redis = TRUE WHERE order_id = $1";

  static final String GIVE_BACK_STOCK = "UPDATE sale SET remaining = remaining + $2 WHERE sale_id = $1";
}
