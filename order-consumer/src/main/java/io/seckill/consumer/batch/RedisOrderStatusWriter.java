package io.seckill.consumer.batch;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.Reservations;
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
public final class RedisOrderStatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisOrderStatusWriter.class);

  private final Vertx vertx;
  private final RedisAPI redis;
  private final int ttlSeconds;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final ConsumerMeters meters;
  private final AtomicInteger outstanding = new AtomicInteger();
  private volatile boolean stopped;

  public RedisOrderStatusWriter(Vertx vertx, RedisAPI redis, int ttlSeconds, Duration backoffMin, Duration backoffMax,
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
  public void write(List<OrderOutcome> outcomes, Duration waitBound) {
    List<Future<Void>> firstAttempts = new ArrayList<>();
    for (StatusWrite write : group(outcomes)) {
      outstanding.incrementAndGet();
      Promise<Void> first = Promise.promise();
      attempt(write, null, first);
      firstAttempts.add(first.future());
    }
    try {
      Future.join(firstAttempts).await(waitBound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | RuntimeException notYet) {
      LOG.warn("Redis status writes of a batch still in progress after {} ms; they keep retrying", waitBound.toMillis());
    }
  }

  /**
   * One script call per stock bucket for the orders the database holds (persisted.lua takes the lot), and one
   * release per refused order (rare: each gives its own stock back and may drop a spilled pointer elsewhere).
   */
  private record StatusWrite(Bucket bucket, List<OrderOutcome> outcomes, boolean release) {
  }

  private static List<StatusWrite> group(List<OrderOutcome> outcomes) {
    java.util.Map<Bucket, List<OrderOutcome>> persisted = new java.util.LinkedHashMap<>();
    List<StatusWrite> writes = new ArrayList<>();
    for (OrderOutcome outcome : outcomes) {
      if (outcome.result() == OrderOutcome.Result.UNKNOWN_SALE) {
        continue;
      }
      Bucket bucket = Bucket.of(outcome.order().orderId());
      if (outcome.releasesReservation()) {
        writes.add(new StatusWrite(bucket, List.of(outcome), true));
      } else {
        persisted.computeIfAbsent(bucket, b -> new ArrayList<>()).add(outcome);
      }
    }
    persisted.forEach((bucket, list) -> writes.add(new StatusWrite(bucket, list, false)));
    return writes;
  }

  /** Writes still retrying (for shutdown and tests). */
  public int outstanding() {
    return outstanding.get();
  }

  /** Stops retrying; writes still failing are left to the reconciler. */
  public void stop() {
    stopped = true;
    if (outstanding.get() > 0) {
      LOG.warn("{} Redis order status writes abandoned at shutdown; the reconciler heals them", outstanding.get());
    }
  }

  private void attempt(StatusWrite write, Backoff backoff, Promise<Void> first) {
    // Fail-open: the rows are committed, so the consumer moves on; retried until Redis converges to the database.
    script(write).onComplete(done -> {
      first.tryComplete();
      if (done.succeeded()) {
        outstanding.decrementAndGet();
        onWritten(write, done.result());
      } else if (stopped) {
        outstanding.decrementAndGet();
      } else {
        Backoff retry = backoff == null ? new Backoff(backoffMin, backoffMax) : backoff;
        long delay = retry.nextDelayMs();
        OrderMessage order = write.outcomes().get(0).order();
        LOG.warn("Redis status write for {} order(s) from {} (request {}) failed: {}; retry {} in {} ms",
            write.outcomes().size(), order.orderId(), order.requestId(), done.cause().getMessage(), retry.attempts(), delay);
        vertx.setTimer(delay, t -> attempt(write, retry, first));
      }
    });
  }

  private Future<Response> script(StatusWrite write) {
    if (write.release()) {
      OrderOutcome outcome = write.outcomes().get(0);
      OrderMessage order = outcome.order();
      return Reservations.release(redis, order.orderId(), order.userId(), order.quantity(), "FAILED", outcome.reason(),
          ttlSeconds);
    }
    List<Reservations.Persisted> orders = new ArrayList<>(write.outcomes().size());
    for (OrderOutcome outcome : write.outcomes()) {
      OrderMessage order = outcome.order();
      orders.add(new Reservations.Persisted(order.orderId(), order.userId(), order.quantity(), outcome.status()));
    }
    return Reservations.persisted(redis, write.bucket(), orders, ttlSeconds);
  }

  private void onWritten(StatusWrite write, Response response) {
    if (write.release()) {
      OrderOutcome outcome = write.outcomes().get(0);
      OrderMessage order = outcome.order();
      if (response.get(0).toInteger() == 1) {
        meters.released(outcome.reason().toLowerCase(Locale.ROOT));
        LOG.info("order {} (request {}) FAILED {}: reservation of {} released, Redis stock now {}", order.orderId(),
            order.requestId(), outcome.reason(), order.quantity(), response.get(1).toLong());
      }
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{} order status(es) of bucket {} written to Redis, {} changed", write.outcomes().size(),
          write.bucket().tag(), response.toInteger());
    }
  }
}
