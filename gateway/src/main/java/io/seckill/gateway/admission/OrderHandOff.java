package io.seckill.gateway.admission;

import io.seckill.gateway.GatewayMetrics;
import io.seckill.common.db.OrderFence;
import io.seckill.common.kafka.OrderMessage;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands an admitted order to Kafka and says what the shopper may be told. An acknowledged record is
 * {@link Fate#QUEUED}. A record that certainly never reached the log ({@link OrderPublisher.NotSent}) is
 * {@link Fate#NOT_TAKEN}: the reservation goes back. Any other failure is ambiguous — the broker may have
 * appended the record while its acknowledgement was late — so the order is settled in PostgreSQL with
 * {@link OrderFence}: a FAILED row inserted first makes any late record a no-op ({@link Fate#NOT_TAKEN});
 * a row the consumer wrote first is the order's fate ({@link Fate#QUEUED} while it is live). Only when
 * PostgreSQL cannot say either is the outcome {@link Fate#UNKNOWN}: the reservation is kept, and the
 * stock-service reconciler settles it the same way once Kafka is drained.
 */
public final class OrderHandOff {
  private static final Logger LOG = LoggerFactory.getLogger(OrderHandOff.class);
  static final String REASON = "UNAVAILABLE";

  enum Fate { QUEUED, NOT_TAKEN, UNKNOWN }

  private final OrderPublisher publisher;
  private final OrderFence fence;
  private final long fenceTimeoutMs;
  private final GatewayMetrics metrics;

  public OrderHandOff(OrderPublisher publisher, OrderFence fence, long fenceTimeoutMs, GatewayMetrics metrics) {
    this.publisher = publisher;
    this.fence = fence;
    this.fenceTimeoutMs = fenceTimeoutMs;
    this.metrics = metrics;
  }

  /** Never fails: every failure is turned into a fate. */
  Future<Fate> handOff(OrderMessage order) {
    return publisher.publish(order).map(Fate.QUEUED).recover(failure -> {
      if (failure instanceof OrderPublisher.NotSent) {
        LOG.warn("order {} of sale {} never reached Kafka (request {}): {}", order.orderId(), order.saleId(),
            order.requestId(), failure.getMessage());
        return Future.succeededFuture(Fate.NOT_TAKEN);
      }
      LOG.warn("order {} of sale {}: Kafka did not acknowledge in time, the record may be in the log (request {}): {};"
          + " settling it in PostgreSQL", order.orderId(), order.saleId(), order.requestId(), failure.toString());
      return settle(order);
    });
  }

  private Future<Fate> settle(OrderMessage order) {
    // Fail-closed to UNKNOWN: without PostgreSQL's word the reservation is kept, never released on a guess.
    return fence.settle(order.orderId(), order.saleId(), order.userId(), order.quantity(), REASON, order.requestId())
        .timeout(fenceTimeoutMs, TimeUnit.MILLISECONDS)
        .map(fate -> {
          metrics.ambiguousSend(fate.fenced() ? "fenced" : fate.live() ? "persisted" : "failed");
          if (!fate.fenced()) {
            LOG.info("order {} was written by the consumer before the fence: {}", order.orderId(), fate.status());
          }
          return fate.live() ? Fate.QUEUED : Fate.NOT_TAKEN;
        })
        .recover(e -> {
          metrics.ambiguousSend("unknown");
          LOG.error("order {} of sale {}: outcome unknown, PostgreSQL did not settle it ({}); the reconciler will",
              order.orderId(), order.saleId(), e.toString());
          return Future.succeededFuture(Fate.UNKNOWN);
        });
  }
}
