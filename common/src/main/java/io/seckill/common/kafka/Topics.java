package io.seckill.common.kafka;

/** Kafka topic names (docs/architecture.md "Kafka"). */
public final class Topics {
  public static final String ORDERS = "seckill.orders";
  public static final String ORDERS_DLQ = "seckill.orders.dlq";
  /** Header on a DLQ record saying why the original could not be processed. */
  public static final String DLQ_REASON_HEADER = "seckill.dlq.reason";

  private Topics() {
  }
}
