package io.seckill.gateway;

import io.seckill.common.http.ProblemException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Records the outcome and duration of every purchase attempt, whichever handler answered it. */
final class PurchaseMetrics implements Handler<RoutingContext> {
  private final GatewayMetrics metrics;

  PurchaseMetrics(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addHeadersEndHandler(v -> metrics.attempt(outcome(ctx), System.nanoTime() - started));
    ctx.next();
  }

  private static String outcome(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException problem) {
      return GatewayMetrics.outcomeOf(problem.code());
    }
    int status = ctx.response().getStatusCode();
    if (failure == null && status == 202) {
      return "admitted";
    }
    if (failure == null && status == 200) {
      return "duplicate";
    }
    return status >= 500 ? "unavailable" : "invalid";
  }
}
