package io.seckill.gateway;

import io.seckill.gateway.guards.RequestGuards;
import io.seckill.common.http.HttpDeadlines;
import io.seckill.common.http.Problems;
import io.seckill.common.http.RequestIds;
import io.seckill.common.http.UncertainRoute;
import io.seckill.gateway.dev.DevRoutes;
import io.seckill.gateway.dev.ShopperPage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Router wiring only: one instance per event loop, all sharing the {@link GatewayComponents}. */
public final class GatewayVerticle extends VerticleBase {
  static final String ORDERS_PATH = "/api/v1/sales/:saleId/orders";
  private static final Buffer OPENAPI = loadOpenApi();
  /**
   * The routes a timed-out request may already have acted on: a purchase may hold a reservation (Lua ran) or be on
   * Kafka, a cancel may have been carried out by stock-service. Their timeout answer is 504 OUTCOME_UNKNOWN, not a
   * 503 that would promise nothing happened; both are safe to retry. Every other route only reads, or answers
   * before it writes anything.
   */
  static final List<UncertainRoute> OUTCOME_UNKNOWN_ROUTES = List.of(
      new UncertainRoute(HttpMethod.POST, "/api/v1/sales/{saleId}/orders", "the purchase may or may not have been "
          + "taken; retrying the purchase is safe: it returns your order if one exists"),
      new UncertainRoute(HttpMethod.POST, "/api/v1/orders/{orderId}/cancel", "the cancellation may or may not have "
          + "been carried out; read the order to see its status, or retry the cancel"));

  private final GatewayComponents components;
  private final int port;
  private Router router;

  public GatewayVerticle(GatewayComponents components, int port) {
    this.components = components;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    router = router();
    // PROXY protocol: Vert.x reads the v1/v2 header before HTTP and reports its address as the remote address.
    HttpServerOptions options = new HttpServerOptions().setCompressionSupported(false).setTcpNoDelay(true)
        .setUseProxyProtocol(components.config().proxyProtocol());
    return HttpDeadlines.server(vertx, options, router, components.config().http(), OUTCOME_UNKNOWN_ROUTES)
        .listen(port, components.config().bind().host());
  }

  Router router() {
    GatewayComponents c = components;
    Router r = Router.router(vertx);
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(c.config().bodyLimitBytes());
    r.route().handler(RequestIds.handler());
    // /metrics and /health/* are on the management port only (ManagementServer): here they are 404 like any path.
    r.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(OPENAPI));

    r.post(ORDERS_PATH).handler(c.purchaseMetrics());
    r.route("/api/*").handler(c.guards().ipLimit());
    r.get("/api/v1/sales").handler(c.saleList()::list);
    r.get("/api/v1/sales/:saleId").handler(c.sales()::getSale);
    r.route("/api/*").handler(c.auth()).handler(c.guards().userLimit());
    // Vert.x Web wants a body handler first on its route, so the media-type check is a route of its own.
    r.post("/api/v1/sales/:saleId/purchase-tokens").handler(RequestGuards.jsonOnly(false));
    // The body is empty, {}, or a proof-of-work answer {nonce, solution} (PowChallenges.answer checks it).
    r.post("/api/v1/sales/:saleId/purchase-tokens").handler(body).handler(c.tokens()::issueToken);
    r.post("/api/v1/sales/:saleId/challenges").handler(RequestGuards.jsonOnly(false));
    r.post("/api/v1/sales/:saleId/challenges").handler(body).handler(RequestGuards.noInput()).handler(c.challenges()::issue);
    r.post(ORDERS_PATH).handler(RequestGuards.jsonOnly(true));
    r.post(ORDERS_PATH).handler(body).handler(c.orders()::place);
    r.get("/api/v1/orders/:orderId").handler(c.orders()::get);
    r.post("/api/v1/orders/:orderId/cancel").handler(RequestGuards.jsonOnly(false));
    r.post("/api/v1/orders/:orderId/cancel").handler(body).handler(RequestGuards.noInput()).handler(c.orders()::cancel);
    DevRoutes.mount(r, vertx, c, port);
    ShopperPage.mount(r);

    Problems.answerTheRest(r);
    return r;
  }

  /** The router this instance serves (for the OpenAPI route-set test). */
  public Router servedRouter() {
    return router;
  }

  private static Buffer loadOpenApi() {
    try (InputStream in = GatewayVerticle.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
