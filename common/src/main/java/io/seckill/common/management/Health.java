package io.seckill.common.management;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health/live} answers from the event loop alone; {@code /health/ready} runs the service's own dependency
 * checks (each bounded in time).
 *
 * <p>Readiness is cached: one check runs at a time, every probe arriving meanwhile shares it, and its answer is
 * reused for {@code cacheMs} after it completed. A flood of probes therefore costs at most one round of dependency
 * calls per interval, and never competes with the service's own work for its pools.
 *
 * <p>The body names each check with {@code UP} or {@code DOWN} and, when down, a fixed reason word
 * ({@code timeout}, {@code unavailable}, or the one a check gave through {@link #notReady}); never a dependency's
 * error text, which can name internal hosts. That text is logged here instead.
 */
public final class Health {
  private static final Logger LOG = LoggerFactory.getLogger(Health.class);
  /** The reason of a check that did not answer within the bound. */
  public static final String TIMEOUT = "timeout";
  /** The reason of a check that failed with anything but {@link NotReady}. */
  public static final String UNAVAILABLE = "unavailable";

  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
  private final long timeoutMs;
  private final long cacheNanos;
  private final LongSupplier nanoClock;
  private Future<Verdict> latest;

  /** A check's verdict and when it was reached (nanoTime), so the cache needs no second field to stay consistent. */
  private record Verdict(JsonObject body, long atNanos) {
  }

  public Health(long timeoutMs, long cacheMs) {
    this(timeoutMs, cacheMs, System::nanoTime);
  }

  /** With the clock the cache ages by (tests move it by hand). */
  public Health(long timeoutMs, long cacheMs, LongSupplier nanoClock) {
    this.timeoutMs = timeoutMs;
    this.cacheNanos = TimeUnit.MILLISECONDS.toNanos(cacheMs);
    this.nanoClock = nanoClock;
  }

  public Health check(String name, Supplier<Future<?>> probe) {
    checks.put(name, probe);
    return this;
  }

  /** A failed probe whose reason word is safe to show any caller ({@code warming-up}); {@code detail} is only logged. */
  public static <T> Future<T> notReady(String reason, String detail) {
    return Future.failedFuture(new NotReady(reason, detail));
  }

  public void mount(Router router, Vertx vertx) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> ready(vertx).onComplete(done -> {
      JsonObject body = done.result();
      int status = "UP".equals(body.getString("status")) ? 200 : 503;
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store").end(body.encode());
    }));
  }

  /** The cached verdict if it is fresh, the check in flight if there is one, else a new check. Never fails. */
  public Future<JsonObject> ready(Vertx vertx) {
    Future<Verdict> current;
    synchronized (this) {
      if (latest == null || latest.isComplete() && nanoClock.getAsLong() - latest.result().atNanos() >= cacheNanos) {
        latest = runChecks(vertx);
      }
      current = latest;
    }
    return current.map(Verdict::body);
  }

  private Future<Verdict> runChecks(Vertx vertx) {
    List<String> names = List.copyOf(checks.keySet());
    List<Future<String>> results = names.stream().map(name -> bounded(vertx, name, checks.get(name))).toList();
    return Future.join(results).transform(ignored -> {
      JsonObject details = new JsonObject();
      boolean up = true;
      for (int i = 0; i < names.size(); i++) {
        Future<String> result = results.get(i);
        if (result.succeeded()) {
          details.put(names.get(i), new JsonObject().put("status", "UP"));
        } else {
          up = false;
          details.put(names.get(i), new JsonObject().put("status", "DOWN").put("reason", result.cause().getMessage()));
        }
      }
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", details);
      return Future.succeededFuture(new Verdict(body, nanoClock.getAsLong()));
    });
  }

  /** The probe's outcome within the bound; a failure carries only its public reason word as message. */
  private Future<String> bounded(Vertx vertx, String name, Supplier<Future<?>> check) {
    Promise<String> promise = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (promise.tryFail(TIMEOUT)) {
        LOG.warn("readiness check {} gave no answer within {} ms", name, timeoutMs);
      }
    });
    Future<?> probe;
    try {
      probe = check.get();
    } catch (RuntimeException e) {
      probe = Future.failedFuture(e);
    }
    probe.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        promise.tryComplete("UP");
        return;
      }
      Throwable cause = done.cause();
      String reason = cause instanceof NotReady notReady ? notReady.reason : UNAVAILABLE;
      if (!promise.tryFail(reason)) {
        return;
      }
      // The detail (hosts, ports, driver messages) is for operators only. A check's own "not yet" is expected.
      if (cause instanceof NotReady notReady) {
        LOG.info("readiness check {} is {}: {}", name, reason, notReady.detail);
      } else {
        LOG.warn("readiness check {} is {}: {}", name, reason, cause.toString());
      }
    });
    return promise.future();
  }

  /** A check's own "not yet": a fixed public reason word, and a detail that is only logged. */
  public static final class NotReady extends RuntimeException {
    private final String reason;
    private final String detail;

    NotReady(String reason, String detail) {
      super(reason, null, false, false);
      this.reason = reason;
      this.detail = detail;
    }

    public String reason() {
      return reason;
    }
  }
}
