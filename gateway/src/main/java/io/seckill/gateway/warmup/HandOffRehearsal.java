package io.seckill.gateway.warmup;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.order.OrderIds;
import io.seckill.gateway.admission.OrderPublisher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The warm-up's second step: the Kafka hand-off alone, {@link OrderPublisher#publish} from an event loop as a purchase
 * calls it, with so few records in flight that nearly each is a produce request of its own.
 *
 * <p>Why: the HTTP step runs about one admission in four, a few thousand, while C2's queue is long, and HotSpot
 * raises its compile thresholds with the queue's length. The producer's per-request code (its sender loop, the
 * accumulator, the network client) then stays below C2's threshold, and is compiled when a sale's first thousands
 * of orders arrive: with {@code -XX:+LogCompilation}, about 400 methods, most of them the Kafka producer's, were
 * compiled by C2 for the first time in the 45 s of admissions that followed a warm-up and a sold-out load
 * (docs/performance.md).
 *
 * <p>Every record is an order of the warm-up sale, so {@link OrderPublisher} sends it to the warm-up topic; no
 * reservation exists for it and no consumer group reads that topic (the consumer's warm-up reads back only its own).
 */
final class HandOffRehearsal {
  /** Records in flight: few enough that the producer's linger seldom puts two in one request. */
  static final int LANES = 2;

  private final Vertx vertx;
  private final OrderPublisher publisher;
  private final long saleId;
  private final String userPrefix;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger acknowledged = new AtomicInteger();

  HandOffRehearsal(Vertx vertx, OrderPublisher publisher, long saleId, String userPrefix) {
    this.vertx = vertx;
    this.publisher = publisher;
    this.saleId = saleId;
    this.userPrefix = userPrefix;
  }

  /**
   * Publishes up to {@code records} orders, stopping early when {@code stop} says so or {@code deadlineNanos}
   * ({@link System#nanoTime()}) passes; completes with the number Kafka acknowledged, never fails.
   */
  Future<Integer> run(int records, long deadlineNanos, BooleanSupplier stop) {
    return Lanes.run(vertx, LANES, lane -> publishNext(records, deadlineNanos, stop, lane))
        .transform(x -> Future.succeededFuture(acknowledged.get()));
  }

  /** Orders Kafka acknowledged so far. */
  int acknowledged() {
    return acknowledged.get();
  }

  private void publishNext(int records, long deadlineNanos, BooleanSupplier stop, Promise<Void> lane) {
    int n = next.getAndIncrement();
    if (n >= records || stop.getAsBoolean() || System.nanoTime() - deadlineNanos > 0) {
      lane.complete();
      return;
    }
    OrderMessage message = new OrderMessage(OrderIds.next(saleId), saleId, userPrefix + n, 1,
        System.currentTimeMillis(), "warm-up-" + n);
    publisher.publish(message).onComplete(sent -> {
      if (sent.succeeded()) {
        acknowledged.incrementAndGet();
      }
      publishNext(records, deadlineNanos, stop, lane);
    });
  }
}
