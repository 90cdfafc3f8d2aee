package io.seckill.stock;

import io.vertx.core.Future;

/**
 * The payment provider's order query: asked before an order that timed out is cancelled, because a
 * payment whose callback was lost or is late would otherwise be cancelled and need a refund.
 * Implementations answer {@link PaymentStatus.Unknown} rather than fail; a failed future is treated
 * the same way by the caller, which also bounds every call by SECKILL_PAYMENT_QUERY_TIMEOUT_MS.
 */
interface PaymentProvider {
  Future<PaymentStatus> query(String orderId);

  /** Releases the provider's clients; nothing by default. */
  default void close() {
  }
}
