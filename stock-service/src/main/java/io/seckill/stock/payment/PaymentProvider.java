package io.seckill.stock.payment;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The payment provider's order query: asked before an order that timed out is cancelled, because a
 * payment whose callback was lost or is late would otherwise be cancelled and need a refund.
 * Implementations answer {@link PaymentStatus.Unknown} rather than fail; a failed future is treated
 * the same way by the caller, which also bounds every call by SECKILL_PAYMENT_QUERY_TIMEOUT_MS.
 */
public interface PaymentProvider {
  /** The provider SECKILL_PAYMENT_PROVIDER names; null for {@code none} (cancel at the timeout without asking). */
  static PaymentProvider of(Vertx vertx, Pool pool, PaymentQueryConfig config) {
    return switch (config.provider()) {
      case PaymentQueryConfig.HTTP -> new HttpPaymentProvider(vertx, config, Clock.systemUTC());
      case PaymentQueryConfig.SIMULATOR -> new SimulatedPaymentProvider(pool);
      default -> null;
    };
  }

  Future<PaymentStatus> query(String orderId);

  /** Releases the provider's clients; nothing by default. */
  default void close() {
  }
}
