package io.seckill.stock.payment;

import io.seckill.common.order.OrderStatus;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one verified payment callback. In one transaction: lock the order row (a concurrent cancel
 * of the same order waits), record the payment in the dedup table keyed by paymentId, and move
 * PENDING_PAYMENT → PAID by conditional update. A delivery already recorded changes nothing.
 */
public final class PaymentProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentProcessor.class);

  /**
   * What became of a callback; {@code result} is the metric tag, {@code orderStatus} null for an
   * unknown order, {@code refundRequired} whether this payment (first delivery or duplicate) must be
   * refunded by the provider.
   */
  record Outcome(String result, String orderId, String orderStatus, boolean refundRequired) {
    Outcome(String result, String orderId, String orderStatus) {
      this(result, orderId, orderStatus, REFUND_REQUIRED.equals(result));
    }

    static final String PAID = "paid";
    static final String DUPLICATE = "duplicate";
    static final String REFUND_REQUIRED = "refund_required";
    static final String AMOUNT_MISMATCH = "amount_mismatch";
    static final String PAYMENT_FAILED = "payment_failed";
    static final String UNKNOWN_ORDER = "unknown_order";
  }

  private final Pool pool;
  private final RedisAPI redis;
  private final int orderStatusTtlS;
  private final long redisTimeoutMs;

  public PaymentProcessor(Pool pool, RedisAPI redis, int orderStatusTtlS, long redisTimeoutMs) {
    this.pool = pool;
    this.redis = redis;
    this.orderStatusTtlS = orderStatusTtlS;
    this.redisTimeoutMs = redisTimeoutMs;
  }

  Future<Outcome> process(PaymentCallback callback) {
    // Fail-closed: without PostgreSQL nothing is recorded and the provider's retry comes back later.
    return pool.withTransaction(tx -> tx.preparedQuery(PaymentQueries.LOCK_ORDER_WITH_PRICE)
            .execute(Tuple.of(callback.orderId()))
            .compose(rows -> rows.size() == 0 ? unknownOrder(tx, callback) : apply(tx, callback, rows.iterator().next())))
        .compose(outcome -> isPaid(outcome) ? cachePaid(outcome).map(outcome) : Future.succeededFuture(outcome));
  }

  private static boolean isPaid(Outcome outcome) {
    return Outcome.PAID.equals(outcome.result());
  }

  private Future<Outcome> unknownOrder(SqlConnection tx, PaymentCallback c) {
    return tx.preparedQuery(PaymentQueries.RECORD_UNKNOWN_ORDER_PAYMENT).execute(Tuple.of(c.paymentId(), c.orderId(), c.amountCents()))
        .map(ignored -> new Outcome(Outcome.UNKNOWN_ORDER, c.orderId(), null));
  }

  /** Price x quantity; -1 (which no valid amount equals) if it overflows, for sales stored before the price cap. */
  static long amountDue(long priceCents, int quantity) {
    try {
      return Math.multiplyExact(priceCents, (long) quantity);
    } catch (ArithmeticException overflow) {
      return -1;
    }
  }

  private Future<Outcome> apply(SqlConnection tx, PaymentCallback c, Row order) {
    String status = order.getString("status");
    long due = amountDue(order.getLong("price_cents"), order.getInteger("quantity"));
    String eventOutcome;
    String result;
    if (PaymentCallback.FAILED.equals(c.outcome())) {
      eventOutcome = "FAILED";
      result = Outcome.PAYMENT_FAILED;
    } else if (c.amountCents() != due) {
      eventOutcome = "AMOUNT_MISMATCH";
      result = Outcome.AMOUNT_MISMATCH;
    } else if (OrderStatus.PENDING_PAYMENT.name().equals(status)) {
      eventOutcome = "SUCCEEDED";
      result = Outcome.PAID;
    } else {
      // Money arrived for an order that is CANCELLED (timed out), FAILED, or already paid by another
      // payment: it is never turned into stock; the provider must refund it.
      eventOutcome = "REFUND_REQUIRED";
      result = Outcome.REFUND_REQUIRED;
    }
    return tx.preparedQuery(PaymentQueries.RECORD_PAYMENT_EVENT)
        .execute(Tuple.of(c.paymentId(), c.orderId(), c.amountCents(), eventOutcome))
        .compose(recorded -> {
          if (recorded.rowCount() == 0) {
            // A duplicate tells the provider the same as the first delivery did: refund or not.
            return tx.preparedQuery(PaymentQueries.PAYMENT_OUTCOME).execute(Tuple.of(c.paymentId()))
                .map(stored -> new Outcome(Outcome.DUPLICATE, c.orderId(), status,
                    stored.size() == 1 && "REFUND_REQUIRED".equals(stored.iterator().next().getString("outcome"))));
          }
          if (!Outcome.PAID.equals(result)) {
            return Future.succeededFuture(new Outcome(result, c.orderId(), status));
          }
          return tx.preparedQuery(PaymentQueries.MARK_PAID).execute(Tuple.of(c.orderId(), c.paymentId())).compose(paid -> {
            if (paid.rowCount() == 1) {
              return Future.succeededFuture(new Outcome(Outcome.PAID, c.orderId(), OrderStatus.PAID.name()));
            }
            // Unreachable while the row lock is held; kept so the conditional update alone stays the decider.
            return tx.preparedQuery(PaymentQueries.CORRECT_PAYMENT_OUTCOME).execute(Tuple.of(c.paymentId(), "REFUND_REQUIRED"))
                .map(ignored -> new Outcome(Outcome.REFUND_REQUIRED, c.orderId(), status));
          });
        });
  }

  private Future<Void> cachePaid(Outcome outcome) {
    String key = RedisKeys.order(outcome.orderId());
    // Fail-open: the DB is the record; a stalled Redis must not hold the provider's answer (bounded; the cache lags only).
    return redis.hset(List.of(key, "status", OrderStatus.PAID.name()))
        .compose(ignored -> redis.expire(List.of(key, Integer.toString(orderStatusTtlS))))
        .timeout(redisTimeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.warn("order {} is PAID but its Redis status could not be updated: {}", outcome.orderId(), failure.getMessage());
          return Future.succeededFuture();
        });
  }
}
