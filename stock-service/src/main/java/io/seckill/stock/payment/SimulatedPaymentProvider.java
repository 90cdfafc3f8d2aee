package io.seckill.stock.payment;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The dev stack's provider: it knows what the gateway's payment simulator paid, because every simulated
 * payment reached this service as a callback and is recorded in {@code payment_event}. PAID when a payment
 * with money (succeeded, refunded or mismatched) is recorded for the order, NOT_PAID otherwise; re-applying it
 * is a duplicate and changes nothing. Not for production: a real provider knows payments whose callback never
 * arrived, this one cannot.
 */
final class SimulatedPaymentProvider implements PaymentProvider {
  private final Pool pool;

  SimulatedPaymentProvider(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<PaymentStatus> query(String orderId) {
    // Fail towards UNKNOWN: an unreachable database is no answer; the caller retries.
    return pool.preparedQuery(PaymentQueries.RECORDED_PAYMENT_OF_ORDER).execute(Tuple.of(orderId))
        .<PaymentStatus>map(rows -> {
          if (rows.size() == 0) {
            return new PaymentStatus.NotPaid();
          }
          Row row = rows.iterator().next();
          return new PaymentStatus.Paid(row.getLong("amount_cents"), row.getString("payment_id"));
        })
        .otherwise(failure -> new PaymentStatus.Unknown("simulator: " + failure.getMessage()));
  }
}
