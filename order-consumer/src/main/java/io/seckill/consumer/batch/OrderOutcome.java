package io.seckill.consumer.batch;

import io.seckill.common.kafka.OrderMessage;

/**
 * What the database made of one order message.
 *
 * @param order  the message
 * @param result what happened
 * @param status the order's status in the database after the batch (null for UNKNOWN_SALE)
 * @param reason the FAILED reason, if any
 */
public record OrderOutcome(OrderMessage order, Result result, String status, String reason) {
  public enum Result {
    /** New row, PENDING_PAYMENT, its stock taken from the sale. */
    INSERTED("inserted"),
    /** The order id was already in the database: nothing written. */
    REDELIVERED("redelivered"),
    /** New FAILED row: the sale had too little stock left in the database. */
    FAILED_SOLD_OUT("failed_sold_out"),
    /** New FAILED row: the shopper already holds another live order in this sale. */
    FAILED_DUPLICATE("failed_duplicate"),
    /** The sale is not in the database: the order cannot be stored (foreign key) and goes to the DLQ. */
    UNKNOWN_SALE("dlq");

    private final String metricTag;

    Result(String metricTag) {
      this.metricTag = metricTag;
    }

    String metricTag() {
      return metricTag;
    }
  }

  static OrderOutcome inserted(OrderMessage order) {
    return new OrderOutcome(order, Result.INSERTED, "PENDING_PAYMENT", null);
  }

  static OrderOutcome failed(OrderMessage order, Result result, String reason) {
    return new OrderOutcome(order, result, "FAILED", reason);
  }

  /** True when the Redis reservation must be released (the order holds no stock in the database). */
  boolean releasesReservation() {
    return "FAILED".equals(status);
  }
}
