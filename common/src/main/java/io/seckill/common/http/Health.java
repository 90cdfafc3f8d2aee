package io.seckill.common.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live} answers from the event loop alone; {@code /health/ready} runs the service's
 * own dependency checks (each bounded in time) and names the ones that failed.
 */
public final class Health {
  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
  private final long timeoutMs;

  public Health(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  public Health check(String name, Supplier<Future<?>> probe) {
    checks.put(name, probe);
    return this;
  }

  public void mount(Router router, io.vertx.core.Vertx vertx) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> ready(vertx).onComplete(done -> {
      JsonObject body = done.result();
      int status = "UP".equals(body.getString("status")) ? 200 : 503;
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }));
  }

  public Future<JsonObject> ready(io.vertx.core.Vertx vertx) {
    List<String> names = List.copyOf(checks.keySet());
    List<Future<String>> results = names.stream().map(name -> bounded(vertx, checks.get(name).get())).toList();
    return Future.join(results).transform(ignored -> {
      JsonObject details = new JsonObject();
      boolean up = true;
      for (int i = 0; i < names.size(); i++) {
        Future<String> result = results.get(i);
        if (result.succeeded()) {
          details.put(names.get(i), new JsonObject().put("status", "UP"));
        } else {
          up = false;
          details.put(names.get(i), new JsonObject().put("status", "DOWN").put("error", String.valueOf(result.cause().getMessage())));
        }
      }
      return Future.succeededFuture(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", details));
    });
  }

  private Future<String> bounded(io.vertx.core.Vertx vertx, Future<?> probe) {
    io.vertx.core.Promise<String> promise = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> promise.tryFail("no answer within " + timeoutMs + " ms"));
    probe.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        promise.tryComplete("UP");
      } else {
        promise.tryFail(done.cause());
      }
    });
    return promise.future();
  }
}
