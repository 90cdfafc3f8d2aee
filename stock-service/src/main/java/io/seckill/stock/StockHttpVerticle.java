package io.seckill.stock;

import io.seckill.common.config.HttpTimeouts;
import io.seckill.common.http.HttpDeadlines;
import io.seckill.common.http.UncertainRoute;
import io.seckill.stock.payment.PaymentRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;

/** Serves the router built in {@link Main}; the handlers are all non-blocking, so one instance is enough. */
final class StockHttpVerticle extends VerticleBase {
  /**
   * The routes a timed-out request may already have acted on: a payment callback's, a new sale's or a cancel's
   * transaction may have committed. Their timeout answer is 504 OUTCOME_UNKNOWN, not a 503 that would promise
   * nothing happened: the provider redelivers callbacks and cancels are idempotent, but a sale must not be created
   * twice, so the operator lists the sales first. Reads, warm-up and reconcile stay 503: repeating them is harmless.
   */
  private static final String CONTROL_UNKNOWN = "the control may or may not have been applied; repeat it (every "
      + "control is idempotent) and read the sale or its audit";

  static final List<UncertainRoute> OUTCOME_UNKNOWN_ROUTES = List.of(
      new UncertainRoute(HttpMethod.POST, PaymentRoutes.CALLBACK_PATH, "the payment may or may not have been recorded; "
          + "deliver the callback again: it is idempotent"),
      new UncertainRoute(HttpMethod.POST, "/admin/v1/sales", "the sale may or may not have been created; list the "
          + "sales (GET /admin/v1/sales) before creating it again"),
      new UncertainRoute(HttpMethod.POST, "/admin/v1/orders/{orderId}/cancel", "the cancellation may or may not have "
          + "been carried out; read the order to see its status, or retry the cancel"),
      // The operator controls may have committed: each is idempotent, so the answer says to repeat it.
      new UncertainRoute(HttpMethod.POST, "/admin/v1/sales/{saleId}/pause", CONTROL_UNKNOWN),
      new UncertainRoute(HttpMethod.POST, "/admin/v1/sales/{saleId}/resume", CONTROL_UNKNOWN),
      new UncertainRoute(HttpMethod.POST, "/admin/v1/sales/{saleId}/end", CONTROL_UNKNOWN),
      new UncertainRoute(HttpMethod.PATCH, "/admin/v1/sales/{saleId}", CONTROL_UNKNOWN),
      new UncertainRoute(HttpMethod.PUT, "/admin/v1/blocklist/{userId}", CONTROL_UNKNOWN),
      new UncertainRoute(HttpMethod.DELETE, "/admin/v1/blocklist/{userId}", CONTROL_UNKNOWN));

  private final Router router;
  private final String host;
  private final int port;
  private final HttpTimeouts timeouts;
  private HttpServer server;

  StockHttpVerticle(Router router, String host, int port, HttpTimeouts timeouts) {
    this.router = router;
    this.host = host;
    this.port = port;
    this.timeouts = timeouts;
  }

  @Override
  public Future<?> start() {
    return HttpDeadlines.server(vertx, new HttpServerOptions().setCompressionSupported(true), router, timeouts,
        OUTCOME_UNKNOWN_ROUTES).listen(port, host).onSuccess(bound -> server = bound);
  }

  int actualPort() {
    return server.actualPort();
  }
}
