package io.seckill.stock;

import io.seckill.common.http.HttpDeadlines;
import io.seckill.common.http.Problems;
import io.seckill.common.http.RequestIds;
import io.seckill.common.http.UncertainRoute;
import io.seckill.stock.admin.OperatorConsole;
import io.seckill.stock.http.ClasspathFiles;
import io.seckill.stock.payment.PaymentRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * The operator and payment API: router wiring only, every route handled by the {@link StockComponents}. The handlers
 * are all non-blocking, so one instance is enough.
 */
final class StockHttpVerticle extends VerticleBase {
  static final int BODY_LIMIT_BYTES = 16 * 1024;
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

  private final StockComponents components;
  private final StockConfig config;
  private final String openapi = ClasspathFiles.text("/openapi.yaml");
  private Router router;
  private HttpServer server;

  StockHttpVerticle(StockComponents components, StockConfig config) {
    this.components = components;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    router = router();
    return HttpDeadlines.server(vertx, new HttpServerOptions().setCompressionSupported(true), router, config.http(),
        OUTCOME_UNKNOWN_ROUTES).listen(config.httpPort(), config.bind().host()).onSuccess(bound -> server = bound);
  }

  private Router router() {
    StockComponents c = components;
    Router r = Router.router(vertx);
    r.route().handler(RequestIds.handler());
    r.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    OperatorConsole.mount(r);
    r.route("/admin/*").handler(c.adminAuth());
    c.sales().mount(r);
    c.controls().mount(r);
    c.blocklist().mount(r);
    c.orders().mount(r);
    c.payments().mount(r);
    r.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(openapi));
    // /metrics and /health/* are on the management port only: here they are 404 like any unknown path.
    Problems.answerTheRest(r);
    return r;
  }

  int actualPort() {
    return server.actualPort();
  }

  /** The router this instance serves (the OpenAPI route-set test reads it). */
  Router servedRouter() {
    return router;
  }
}
