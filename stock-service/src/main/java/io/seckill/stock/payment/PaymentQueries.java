package io.seckill.stock.payment;

/** Every SQL statement about orders and their payments, named by intent. Status changes are conditional updates. */
final class PaymentQueries {
  private PaymentQueries() {
  }

  /** Locks the order row so a payment and a cancel of the same order serialise. */
  static final String LOCK_ORDER_WITH_PRICE = """
      SELECT o.order_id, o.sale_id, o.user_id, o.quantity, o.status, s.price_cents
      FROM orders o JOIN sale s ON s.sale_id = o.sale_id
      WHERE o.order_id = $1
      FOR UPDATE OF o""";

  static final String ORDER_STATUS = "SELECT sale_id, status FROM orders WHERE order_id = $1";

  /**
   * The dedup record of a payment. A paymentId first seen for an order that was not yet a row
   * (UNKNOWN_ORDER) may be processed again once the order exists; anything else is a duplicate.
   */
  static final String RECORD_PAYMENT_EVENT = """
      INSERT INTO payment_event (payment_id, order_id, amount_cents, outcome)
      VALUES ($1, $2, $3, $4)
      ON CONFLICT (payment_id) DO UPDATE
        SET order_id = EXCLUDED.order_id, amount_cents = EXCLUDED.amount_cents, outcome = EXCLUDED.outcome,
            received_at = now()
        WHERE payment_event.outcome = 'UNKNOWN_ORDER'
      RETURNING payment_id""";

  static final String RECORD_UNKNOWN_ORDER_PAYMENT = """
      INSERT INTO payment_event (payment_id, order_id, amount_cents, outcome)
      VALUES ($1, $2, $3, 'UNKNOWN_ORDER')
      ON CONFLICT (payment_id) DO NOTHING""";

  static final String PAYMENT_OUTCOME = "SELECT outcome FROM payment_event WHERE payment_id = $1";

  static final String CORRECT_PAYMENT_OUTCOME = "UPDATE payment_event SET outcome = $2 WHERE payment_id = $1";

  static final String MARK_PAID = """
      UPDATE orders SET status = 'PAID', paid_at = now(), payment_id = $2, updated_at = now()
      WHERE order_id = $1 AND status = 'PENDING_PAYMENT'""";

  /**
   * One batch of timed-out orders; rows another sweeper holds are skipped, not waited for. Per sale, so
   * each sale's cutoff is an index range on {@code orders_pending_by_sale (sale_id, created_at)}: the
   * pass reads only the orders that timed out, not every order awaiting payment (a join on the sale's
   * timeout cannot use the index and read all of them — 194 ms per pass at 325k pending orders, against
   * 0.4 ms this way).
   */
  static final String LOCK_TIMED_OUT_BATCH = """
      SELECT t.order_id FROM sale s
      CROSS JOIN LATERAL (
        SELECT o.order_id, o.created_at FROM orders o
        WHERE o.sale_id = s.sale_id AND o.status = 'PENDING_PAYMENT'
          AND o.created_at < now() - make_interval(secs => s.payment_timeout_s)
        ORDER BY o.created_at
        LIMIT $1
        FOR UPDATE OF o SKIP LOCKED) t
      ORDER BY t.created_at
      LIMIT $1""";

  /**
   * Claims up to $1 timed-out orders to ask the payment provider about, leasing each for $2 seconds: rows
   * another sweeper holds are skipped (SKIP LOCKED), and the conditional upsert claims an order only when no
   * lease or backoff of an earlier query is still running, so two instances never ask about one order at
   * once. {@code attempts} counts queries started, durably. An order deferred by an UNKNOWN answer is still
   * read by the index range and filtered out here; that costs only while the provider is failing.
   */
  static final String CLAIM_TIMED_OUT_FOR_QUERY = """
      WITH due AS (
        SELECT t.order_id FROM sale s
        CROSS JOIN LATERAL (
          SELECT o.order_id, o.created_at FROM orders o
          WHERE o.sale_id = s.sale_id AND o.status = 'PENDING_PAYMENT'
            AND o.created_at < now() - make_interval(secs => s.payment_timeout_s)
            AND NOT EXISTS (SELECT 1 FROM payment_query q WHERE q.order_id = o.order_id AND q.next_attempt_at > now())
          ORDER BY o.created_at
          LIMIT $1
          FOR UPDATE OF o SKIP LOCKED) t
        ORDER BY t.created_at
        LIMIT $1)
      INSERT INTO payment_query AS q (order_id, attempts, next_attempt_at)
      SELECT order_id, 1, now() + make_interval(secs => $2) FROM due
      ON CONFLICT (order_id) DO UPDATE
        SET attempts = q.attempts + 1, next_attempt_at = EXCLUDED.next_attempt_at, updated_at = now()
        WHERE q.next_attempt_at <= now()
      RETURNING order_id, attempts""";

  /** What a query decided; $3 s is the backoff before the next query (meaningful only for a deferred order). */
  static final String RECORD_QUERY_RESULT = """
      UPDATE payment_query SET last_result = $2, next_attempt_at = now() + make_interval(secs => $3),
        updated_at = now()
      WHERE order_id = $1""";

  /** The dev simulator's knowledge: the latest recorded payment with money for an order. */
  static final String RECORDED_PAYMENT_OF_ORDER = """
      SELECT payment_id, amount_cents FROM payment_event
      WHERE order_id = $1 AND outcome IN ('SUCCEEDED', 'REFUND_REQUIRED', 'AMOUNT_MISMATCH')
      ORDER BY received_at DESC
      LIMIT 1""";
}
