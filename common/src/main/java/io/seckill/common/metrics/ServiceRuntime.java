package io.seckill.common.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * A service's Vert.x instance with its Prometheus registry: Vert.x HTTP/pool metrics, JVM metrics
 * and the application catalogue all land in one registry, served at {@code /metrics} on the management port
 * ({@link io.seckill.common.management.ManagementServer}).
 */
public final class ServiceRuntime {
  private static final java.util.concurrent.atomic.AtomicInteger REGISTRIES = new java.util.concurrent.atomic.AtomicInteger();
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;

  private ServiceRuntime(Vertx vertx, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
  }

  public static ServiceRuntime create(String service, int eventLoops) {
    return create(service, eventLoops, true);
  }

  /**
   * {@code httpServerMetrics=false} drops Vert.x's own {@code vertx_http_server_*} meters. A server with PROXY protocol
   * needs that: in Vert.x 5.0.7 the HTTP-server metrics hook reads the connection's remote address first and
   * consumes the PROXY header's address, so every request would then report the load balancer as its peer.
   */
  public static ServiceRuntime create(String service, int eventLoops, boolean httpServerMetrics) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service).meterFilter(new PromLintFilter());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false)
            // Vert.x keeps backend registries in a JVM-wide map by name: a unique name keeps services
            // started in one JVM (the end-to-end tests) from publishing into each other's registry.
            .setRegistryName(service + "-" + REGISTRIES.incrementAndGet()));
    if (!httpServerMetrics) {
      ((MicrometerMetricsOptions) options.getMetricsOptions()).addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    }
    if (eventLoops > 0) {
      options.setEventLoopPoolSize(eventLoops);
    }
    Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    return new ServiceRuntime(vertx, registry);
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void mountMetrics(Router router) {
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }
}
