package io.seckill.gateway;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Redis call of the request path goes through here: a bounded number in flight (over the cap
 * the request gets a fast 503 instead of joining a growing queue), a deadline, and a count. Any
 * failure becomes 503 UNAVAILABLE with Retry-After: the gateway fails closed when Redis is down.
 */
public final class RedisCalls {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCalls.class);
  public static final int RETRY_AFTER_S = 1;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final int maxInFlight;
  private final long timeoutMs;
  private final GatewayMetrics metrics;

  public RedisCalls(int maxInFlight, long timeoutMs, GatewayMetrics metrics) {
    this.maxInFlight = maxInFlight;
    this.timeoutMs = timeoutMs;
    this.metrics = metrics;
  }

  /** Refused before anything was sent: the in-flight cap was reached. */
  public static final class Overloaded extends ProblemException {
    Overloaded() {
      super(ErrorCode.UNAVAILABLE, "too many requests in flight, retry shortly", new JsonObject(),
          Map.of("Retry-After", Integer.toString(RETRY_AFTER_S)));
    }
  }

  public <T> Future<T> call(String what, Supplier<Future<T>> command) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      metrics.redisRejected();
      return Future.failedFuture(new Overloaded());
    }
    return send(what, command);
  }

  /**
   * For calls that give something back or repair (release, spill pointer, buyers load): never refused by the
   * in-flight cap (refusing them would leak what they return), still bounded in time and counted in flight.
   */
  public <T> Future<T> callSkippingInFlightCap(String what, Supplier<Future<T>> command) {
    inFlight.incrementAndGet();
    return send(what, command);
  }

  private <T> Future<T> send(String what, Supplier<Future<T>> command) {
    metrics.redisCall();
    Future<T> future;
    try {
      future = command.get().timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      future = Future.failedFuture(e);
    }
    return future.transform(done -> {
      inFlight.decrementAndGet();
      if (done.succeeded()) {
        return Future.succeededFuture(done.result());
      }
      LOG.warn("redis {} failed: {}", what, done.cause().toString());
      return Future.failedFuture(ProblemException.unavailable("order store unavailable, retry shortly", RETRY_AFTER_S));
    });
  }

  public int inFlight() {
    return inFlight.get();
  }
}
