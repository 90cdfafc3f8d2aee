package io.seckill.stock;

import io.seckill.common.RunningService;
import io.seckill.common.management.ManagementServer;
import io.seckill.common.metrics.ServiceRuntime;
import io.seckill.stock.reconcile.KafkaLag;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicBoolean;

/** A started stock-service: its port, its router (the OpenAPI contract test reads the routes), and a graceful stop. */
public final class StockService implements RunningService {
  private final ServiceRuntime runtime;
  private final int port;
  private final ManagementServer management;
  private final Router router;
  private final Pool pool;
  private final Redis redis;
  private final KafkaLag kafkaLag;
  private final AtomicBoolean stopped = new AtomicBoolean();

  StockService(ServiceRuntime runtime, int port, ManagementServer management, Router router, Pool pool, Redis redis, KafkaLag kafkaLag) {
    this.runtime = runtime;
    this.port = port;
    this.management = management;
    this.router = router;
    this.pool = pool;
    this.redis = redis;
    this.kafkaLag = kafkaLag;
  }

  @Override
  public int httpPort() {
    return port;
  }

  @Override
  public int managementPort() {
    return management.actualPort();
  }

  public Router router() {
    return router;
  }

  @Override
  public Future<Void> stop() {
    if (!stopped.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    var vertx = runtime.vertx();
    // Undeploying stops the HTTP servers (API and management) and the background timers first; then the clients; then Vert.x.
    return Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
        .eventually(() -> pool.close())
        .eventually(() -> {
          redis.close();
          return vertx.executeBlocking(() -> {
            kafkaLag.close();
            return null;
          });
        })
        .eventually(vertx::close)
        .mapEmpty();
  }
}
