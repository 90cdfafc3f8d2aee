package io.seckill.gateway;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.http.Problems;
import io.seckill.common.http.RequestIds;
import io.seckill.gateway.dev.DevRoutes;
import io.seckill.gateway.dev.ShopperPage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Router wiring only: one instance per event loop, all sharing the {@link GatewayComponents}. */
public final class GatewayVerticle extends VerticleBase {
  static final String ORDERS_PATH = "/api/v1/sales/:saleId/orders";
  private static final Buffer OPENAPI = loadOpenApi();

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
    HttpServerOptions options = new HttpServerOptions().setCompressionSupported(false).setTcpNoDelay(true);
    return vertx.createHttpServer(options).requestHandler(router).invalidRequestHandler(Problems.invalidRequestHandler())
        .listen(port);
  }

  Router router() {
    GatewayComponents c = components;
    Router r = Router.router(vertx);
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(c.config().bodyLimitBytes());
    r.route().handler(RequestIds.handler());
    c.runtime().mountMetrics(r);
    c.health().mount(r, vertx);
    r.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(OPENAPI));

    r.post(ORDERS_PATH).handler(c.purchaseMetrics());
    r.route("/api/*").handler(c.guards().ipLimit());
    r.get("/api/v1/sales/:saleId").handler(c.sales()::getSale);
    r.route("/api/*").handler(c.auth()).handler(c.guards().userLimit());
    // Vert.x Web wants a body handler first on its route, so the media-type check is a route of its own.
    r.post("/api/v1/sales/:saleId/purchase-tokens").handler(RequestGuards.jsonOnly(false));
    r.post("/api/v1/sales/:saleId/purchase-tokens").handler(body).handler(RequestGuards.noInput()).handler(c.sales()::issueToken);
    r.post(ORDERS_PATH).handler(RequestGuards.jsonOnly(true));
    r.post(ORDERS_PATH).handler(body).handler(c.orders()::place);
    r.get("/api/v1/orders/:orderId").handler(c.orders()::get);
    r.post("/api/v1/orders/:orderId/cancel").handler(RequestGuards.jsonOnly(false));
    r.post("/api/v1/orders/:orderId/cancel").handler(body).handler(RequestGuards.noInput()).handler(c.orders()::cancel);
    DevRoutes.mount(r, vertx, c, port);
    ShopperPage.mount(r);

    r.route().last().handler(ctx -> ctx.fail(new ProblemException(ErrorCode.NOT_FOUND, "no such resource")));
    r.route().failureHandler(Problems.failureHandler());
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
