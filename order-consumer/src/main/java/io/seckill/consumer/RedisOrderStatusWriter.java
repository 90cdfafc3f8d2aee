package io.seckill.consumer;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.Reservations;
import io.seckill.common.redis.SeckillScripts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the database and the offsets committed: tells Redis what became of each order.
 * Persisted (or redelivered live) orders go through {@code persisted.lua} (out of pending, cached
 * status forward from QUEUED only); FAILED orders through {@code release.lua} (the reservation
 * comes back once: only an order still in pending gives stock back). Both scripts are idempotent,
 * so a write is retried with backoff until it succeeds while the process lives.
 *
 * <p>The remaining window: a process that dies with a write still failing leaves the order QUEUED
 * and in pending although its row exists. The gateway falls back to the row, and stock-service's
 * reconciler clears pending entries whose order is in the database.
 */
final class RedisOrderStatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisOrderStatusWriter.class);

  private final Vertx vertx;
  private final RedisAPI redis;
  private final int ttlSeconds;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final ConsumerMeters meters;
  private final AtomicInteger outstanding = new AtomicInteger();
  private volatile boolean stopped;

  RedisOrderStatusWriter(Vertx vertx, RedisAPI redis, int ttlSeconds, Duration backoffMin, Duration backoffMax,
                         ConsumerMeters meters) {
    this.vertx = vertx;
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
    this.backoffMin = backoffMin;
    this.backoffMax = backoffMax;
    this.meters = meters;
  }

  /**
   * Starts every write and waits (bounded) for the first attempts, so a healthy Redis sees one
   * pipelined burst per batch. Writes that fail keep retrying in the background; the poll loop
   * moves on, because the database, not Redis, is the record.
   */
  void write(List<OrderOutcome> outcomes, Duration waitBound) {
    List<Future<Void>> firstAttempts = new ArrayList<>();
    for (OrderOutcome outcome : outcomes) {
      if (outcome.result() != OrderOutcome.Result.UNKNOWN_SALE) {
        outstanding.incrementAndGet();
        Promise<Void> first = Promise.promise();
        attempt(outcome, null, first);
        firstAttempts.add(first.future());
      }
    }
    try {
      Future.join(firstAttempts).await(waitBound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | RuntimeException notYet) {
      LOG.warn("Redis status writes of a batch still in progress after {} ms; they keep retrying", waitBound.toMillis());
    }
  }

  /** Writes still retrying (for shutdown and tests). */
  int outstanding() {
    return outstanding.get();
  }

  /** Stops retrying; writes still failing are left to the reconciler. */
  void stop() {
    stopped = true;
    if (outstanding.get() > 0) {
      LOG.warn("{} Redis order status writes abandoned at shutdown; the reconciler heals them", outstanding.get());
    }
  }

  private void attempt(OrderOutcome outcome, Backoff backoff, Promise<Void> first) {
    // Fail open for the consumer (the row is committed), retried: Redis converges to the database.
    script(outcome).onComplete(done -> {
      first.tryComplete();
      if (done.succeeded()) {
        outstanding.decrementAndGet();
        onWritten(outcome, done.result());
      } else if (stopped) {
        outstanding.decrementAndGet();
      } else {
        Backoff retry = backoff == null ? new Backoff(backoffMin, backoffMax) : backoff;
        long delay = retry.nextDelayMs();
        OrderMessage order = outcome.order();
        LOG.warn("Redis status write for order {} (request {}) failed: {}; retry {} in {} ms", order.orderId(),
            order.requestId(), done.cause().getMessage(), retry.attempts(), delay);
        vertx.setTimer(delay, t -> attempt(outcome, retry, first));
      }
    });
  }

  private Future<Response> script(OrderOutcome outcome) {
    OrderMessage order = outcome.order();
    // The order's keys live in the stock bucket its id names (bucket 0, the sale's own tag, unless split).
    Bucket bucket = Bucket.of(order.orderId());
    String orderKey = bucket.order(order.orderId());
    String quantity = Integer.toString(order.quantity());
    String ttl = Integer.toString(ttlSeconds);
    if (outcome.releasesReservation()) {
      return Reservations.release(redis, order.orderId(), order.userId(), order.quantity(), "FAILED", outcome.reason(),
          ttlSeconds);
    }
    return SeckillScripts.PERSISTED.run(redis, List.of(bucket.pending(), orderKey, bucket.version()),
        List.of(order.orderId(), order.userId(), quantity, outcome.status(), ttl));
  }

  private void onWritten(OrderOutcome outcome, Response response) {
    OrderMessage order = outcome.order();
    if (outcome.releasesReservation() && response.get(0).toInteger() == 1) {
      meters.released(outcome.reason().toLowerCase(Locale.ROOT));
      LOG.info("order {} (request {}) FAILED {}: reservation of {} released, Redis stock now {}", order.orderId(),
          order.requestId(), outcome.reason(), order.quantity(), response.get(1).toLong());
    } else {
      LOG.debug("order {} (request {}) status {} written to Redis", order.orderId(), order.requestId(), outcome.status());
    }
  }
}
