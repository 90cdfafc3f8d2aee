package io.seckill.gateway;

import io.seckill.gateway.warmup.WarmUpTraffic;
import io.seckill.common.RunningService;
import io.seckill.common.management.ManagementServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running gateway: its port, and a stop that lets in-flight work finish and closes every client. */
public final class GatewayService implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);

  private final Vertx vertx;
  private final GatewayClients clients;
  private final GatewayMetrics metrics;
  private final ManagementServer management;
  private final List<GatewayVerticle> verticles = new CopyOnWriteArrayList<>();
  private int port;
  private WarmUpTraffic warmUp;
  private Future<Void> stopping;

  GatewayService(Vertx vertx, GatewayClients clients, GatewayMetrics metrics, ManagementServer management) {
    this.vertx = vertx;
    this.clients = clients;
    this.metrics = metrics;
    this.management = management;
  }

  GatewayVerticle track(GatewayVerticle verticle) {
    verticles.add(verticle);
    return verticle;
  }

  /** "METHOD /path/{param}" of every route served under /api (the OpenAPI document must list the same set). */
  public Set<String> apiRoutes() {
    Set<String> routes = new TreeSet<>();
    for (Route route : verticles.get(0).servedRouter().getRoutes()) {
      String path = route.getPath();
      if (path == null || !path.startsWith("/api/") || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        routes.add(method.name() + " " + path.replaceAll(":([A-Za-z]+)", "{$1}"));
      }
    }
    return routes;
  }

  GatewayService listeningOn(int port) {
    this.port = port;
    return this;
  }

  /** Starts the warm-up (null: off) now that the server listens; start() does not wait for it, readiness does. */
  GatewayService warmingUp(WarmUpTraffic traffic, int port) {
    this.warmUp = traffic;
    if (traffic != null) {
      traffic.start(port);
    }
    return this;
  }

  /** The start-up warm-up's report once it is over (at once and empty when it is off). */
  Future<WarmUpTraffic.Report> warmUp() {
    return warmUp == null ? Future.succeededFuture(null) : warmUp.done();
  }

  @Override
  public int httpPort() {
    return port;
  }

  @Override
  public int managementPort() {
    return management.actualPort();
  }

  /** Metrics for tests in this package (e.g. proving the sold-out fast path makes no Redis call). */
  public GatewayMetrics metrics() {
    return metrics;
  }

  @Override
  public synchronized Future<Void> stop() {
    if (stopping == null) {
      if (warmUp != null) {
        warmUp.cancel();
      }
      // Undeploying closes the HTTP servers (shopper and management) first, so no new request arrives while clients close.
      Future<Void> undeployed = Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).mapEmpty();
      // A warm-up still running cleans up its Redis keys before the Redis client closes (bounded).
      stopping = undeployed.recover(e -> Future.succeededFuture())
          .compose(v -> warmUp().timeout(10, java.util.concurrent.TimeUnit.SECONDS).<Void>mapEmpty()
              .recover(e -> Future.succeededFuture()))
          .compose(v -> clients.restock().stop().recover(e -> Future.succeededFuture()))
          .compose(v -> vertx.executeBlocking(() -> {
            clients.publisher().close();
            return null;
          }).recover(e -> Future.succeededFuture()))
          .compose(v -> Future.join(clients.stockService().close(), clients.pg().close(), clients.redis().close()).recover(e -> Future.succeededFuture()))
          .eventually(vertx::close)
          .onComplete(done -> LOG.info("gateway stopped"))
          .mapEmpty();
    }
    return stopping;
  }
}
