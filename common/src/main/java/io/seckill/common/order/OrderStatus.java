package io.seckill.common.order;

/** Order states (docs/architecture.md "Order states"). QUEUED lives only in Redis; the rest are rows in {@code orders}. */
public enum OrderStatus {
  QUEUED, PENDING_PAYMENT, PAID, CANCELLED, FAILED
}
