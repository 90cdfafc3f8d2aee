package io.seckill.common.management;

import io.seckill.common.config.HttpTimeouts;
import io.seckill.common.http.HttpDeadlines;
import io.seckill.common.http.Problems;
import io.seckill.common.http.RequestIds;
import io.seckill.common.metrics.ServiceRuntime;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The management server every service runs beside its public one: {@code /metrics} (Prometheus text),
 * {@code /health/live} and {@code /health/ready} ({@link Health}, cached), nothing else; any other path is a
 * problem+json 404. One instance on one event loop is plenty: a scrape every few seconds and the kubelet's probes.
 * Requests are bounded by the same {@link HttpDeadlines} as the public servers (a slow scrape or check answers
 * 503 within the request timeout). Undeploying it closes the server.
 */
public final class ManagementServer extends VerticleBase {
  /** The default bind address: every interface, as the pod network needs; NetworkPolicies decide who gets in. */
  public static final String ANY_HOST = "0.0.0.0";

  private final ServiceRuntime runtime;
  private final Health health;
  private final String host;
  private final int port;
  private final HttpTimeouts timeouts;
  private volatile HttpServer server;

  public ManagementServer(ServiceRuntime runtime, Health health, String host, int port, HttpTimeouts timeouts) {
    this.runtime = runtime;
    this.health = health;
    this.host = host;
    this.port = port;
    this.timeouts = timeouts;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds.handler());
    runtime.mountMetrics(router);
    health.mount(router, vertx);
    Problems.answerTheRest(router);
    return HttpDeadlines.server(vertx, new HttpServerOptions().setHost(host), router, timeouts, List.of())
        .listen(port).onSuccess(bound -> server = bound);
  }

  /** The port it bound (the configured one, or the one picked for port 0); -1 before it listens. */
  public int actualPort() {
    HttpServer bound = server;
    return bound == null ? -1 : bound.actualPort();
  }
}
