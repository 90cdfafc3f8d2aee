package io.seckill.stock;

import io.seckill.common.RunningService;
import io.seckill.common.management.ManagementServer;
import io.seckill.common.metrics.ServiceRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** A started stock-service: its ports, its router (the OpenAPI contract test reads the routes), and a graceful stop. */
public final class StockService implements RunningService {
  private final ServiceRuntime runtime;
  private final StockClients clients;
  private final ManagementServer management;
  private StockHttpVerticle http;
  private Future<Void> stopping;

  StockService(ServiceRuntime runtime, StockClients clients, ManagementServer management) {
    this.runtime = runtime;
    this.clients = clients;
    this.management = management;
  }

  StockService listeningOn(StockHttpVerticle http) {
    this.http = http;
    return this;
  }

  @Override
  public int httpPort() {
    return http.actualPort();
  }

  @Override
  public int managementPort() {
    return management.actualPort();
  }

  public Router router() {
    return http.servedRouter();
  }

  /** Safe to call twice: the second call gets the first call's stop. */
  @Override
  public synchronized Future<Void> stop() {
    if (stopping == null) {
      Vertx vertx = runtime.vertx();
      // Undeploying stops the HTTP servers (API and management) and the background timers first; then the clients;
      // then Vert.x.
      stopping = Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
          .eventually(() -> clients.pool().close())
          .eventually(() -> {
            clients.redisClient().close();
            return vertx.executeBlocking(() -> {
              clients.kafkaLag().close();
              return null;
            });
          })
          .eventually(vertx::close)
          .mapEmpty();
    }
    return stopping;
  }
}
