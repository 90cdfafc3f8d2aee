package io.seckill.stock;

import io.seckill.common.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** Serves the router built in {@link Main}; the handlers are all non-blocking, so one instance is enough. */
final class StockHttpVerticle extends VerticleBase {
  private final Router router;
  private final int port;
  private HttpServer server;

  StockHttpVerticle(Router router, int port) {
    this.router = router;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
        .requestHandler(router)
        .invalidRequestHandler(Problems.invalidRequestHandler()).listen(port).onSuccess(bound -> server = bound);
  }

  int actualPort() {
    return server.actualPort();
  }
}
