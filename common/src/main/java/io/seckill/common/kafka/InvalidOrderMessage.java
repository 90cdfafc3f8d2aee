package io.seckill.common.kafka;

/** A record that can never become an order; it goes to the DLQ with {@link #getMessage()} as the reason. */
public final class InvalidOrderMessage extends Exception {
  public InvalidOrderMessage(String reason) {
    super(reason, null, false, false);
  }
}
