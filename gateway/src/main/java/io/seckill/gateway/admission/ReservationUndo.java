package io.seckill.gateway.admission;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.order.OrderIds;
import io.seckill.common.order.OrderStatus;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.redis.Reservations;
import io.seckill.gateway.GatewayMetrics;
import io.seckill.gateway.RedisCalls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back what a purchase attempt reserved but cannot keep: a reservation whose order certainly never
 * reached Kafka (or whose reserve reply was lost), and a home-bucket entry that still names a failed order.
 */
public final class ReservationUndo {
  private static final Logger LOG = LoggerFactory.getLogger(ReservationUndo.class);
  static final int RELEASE_ATTEMPTS = 8;

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SoldOutFlags soldOut;
  private final GatewayMetrics metrics;
  private final int orderStatusTtlS;

  public ReservationUndo(RedisAPI redis, RedisCalls calls, SoldOutFlags soldOut, GatewayMetrics metrics,
                  int orderStatusTtlS) {
    this.redis = redis;
    this.calls = calls;
    this.soldOut = soldOut;
    this.metrics = metrics;
    this.orderStatusTtlS = orderStatusTtlS;
  }

  /**
   * Gives a reservation back (idempotent, see Reservations), clears the local flags and tells every gateway.
   * Retried with backoff while it fails — its second step, dropping a split sale's pointer, would otherwise
   * leave the shopper held by a failed order — up to {@link #RELEASE_ATTEMPTS}; after that the reconciler
   * releases the orphan and the gateway heals a stale pointer when a duplicate names a failed order.
   */
  void release(String orderId, String userId, int quantity, String requestId) {
    release(orderId, userId, quantity, requestId, 1);
  }

  private void release(String orderId, String userId, int quantity, String requestId, int attempt) {
    long saleId = OrderIds.saleIdOf(orderId);
    long started = System.nanoTime();
    calls.callSkippingInFlightCap("release", () -> Reservations.release(redis, orderId, userId, quantity,
            OrderStatus.FAILED.name(), ErrorCode.UNAVAILABLE.name(), orderStatusTtlS))
        .onComplete(done -> metrics.lua("release").record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .onFailure(e -> {
          Context context = Vertx.currentContext();
          if (attempt < RELEASE_ATTEMPTS && context != null) {
            long delay = Math.min(2000L, 50L << Math.min(attempt, 6));
            context.owner().setTimer(delay, t -> release(orderId, userId, quantity, requestId, attempt + 1));
          }
        })
        .onSuccess(result -> {
          if (result.get(0).toInteger() == 1) {
            metrics.releasedAfterKafkaFailure();
            soldOut.clear(saleId);
            // Fail-open: a missed broadcast is covered by the other gateways' flag expiry.
            calls.callSkippingInFlightCap("PUBLISH restock",
                () -> redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId)));
          }
        })
        .onFailure(e -> LOG.error("could not release order {} of sale {} (request {}, attempt {} of {}); the reconciler"
            + " releases it if this was the last: {}", orderId, saleId, requestId, attempt, RELEASE_ATTEMPTS, e.toString()));
  }

  /** Drops the shopper's home-bucket entry, only while it still names {@code orderId} (a failed order). */
  Future<Void> forgetFailed(Bucket home, String userId, String orderId) {
    return calls.callSkippingInFlightCap("forget failed order",
        () -> Reservations.forgetFailed(redis, home, userId, orderId)).mapEmpty();
  }

  /**
   * Points the home bucket at an order taken in another bucket, so its dedup check answers for the whole sale.
   * Fail-open: without the pointer a retry could reserve again, and the DB's unique index refuses it.
   */
  Future<Void> recordSpill(Bucket home, String userId, String orderId) {
    return calls.callSkippingInFlightCap("spill", () -> Reservations.recordSpill(redis, home, userId, orderId))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }
}
