package io.seckill.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.seckill.common.RunningService;
import io.seckill.common.management.ManagementServer;
import io.seckill.common.metrics.ServiceRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running order consumer: its poll loops, the clients they share (PostgreSQL pool, Redis, the DLQ producer),
 * and its only HTTP server, the management server (/metrics and /health). {@link Main} wires it; it owns the
 * ordered stop.
 */
final class OrderConsumerService implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(OrderConsumerService.class);
  /** Bound on one readiness check, and on the Kafka admin's requests. */
  static final long READY_TIMEOUT_MS = 2_000;

  private final ServiceRuntime runtime;
  private final ConsumerComponents components;
  private final PollLoops loops;
  private final Pool pool;
  private final Redis redis;
  private final Admin admin;
  private volatile ManagementServer management;
  private Future<Void> stopped;

  /** @param admin the Kafka admin client the readiness check asks */
  OrderConsumerService(ServiceRuntime runtime, ConsumerComponents components, PollLoops loops, Pool pool, Redis redis,
                       Admin admin) {
    this.runtime = runtime;
    this.components = components;
    this.loops = loops;
    this.pool = pool;
    this.redis = redis;
    this.admin = admin;
  }

  /** The management server listens: runs the warm-up, then starts the poll loops (without waiting for either). */
  OrderConsumerService serving(ManagementServer server) {
    this.management = server;
    loops.start();
    return this;
  }

  /** The "kafka" readiness check: the cluster answers a describe within the check's bound. */
  Future<?> kafkaReady() {
    Promise<String> promise = Promise.promise();
    admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) READY_TIMEOUT_MS)).clusterId()
        .whenComplete((id, failure) -> {
          if (failure == null) {
            promise.tryComplete(id);
          } else {
            promise.tryFail(failure);
          }
        });
    return promise.future();
  }

  /** The service's registry (tests read the catalogue meters from it). */
  MeterRegistry meterRegistry() {
    return runtime.registry();
  }

  /** True once the start-up warm-up is over (at once when it is off). */
  boolean warm() {
    return loops.warm();
  }

  /** The backlog that made the warm-up skip, or -1 when it ran or is off (tests). */
  long warmUpSkippedAtBacklog() {
    return loops.warmUpSkippedAtBacklog();
  }

  /** The reserved sale id the warm-up used, or -1 when it is off (tests). */
  long warmUpSaleId() {
    return loops.warmUpSaleId();
  }

  /** Orders the warm-up read back from the warm-up topic; -1 when it is off (tests). */
  int warmUpReadBack() {
    return loops.warmUpReadBack();
  }

  /** True while every poll loop is alive (false after a simulated crash). */
  boolean loopsHealthy() {
    return loops.healthy();
  }

  /** Partitions currently owned by this instance's loops (tests, diagnostics). */
  int assignedPartitions() {
    return loops.assignedPartitions();
  }

  /** The consumer has no public server: its only HTTP port is the management one. */
  @Override
  public int httpPort() {
    return managementPort();
  }

  @Override
  public int managementPort() {
    ManagementServer server = management;
    return server == null ? -1 : server.actualPort();
  }

  /** Ordered: the loops finish their batches, Redis writes drain, then every client closes. Safe to call twice. */
  @Override
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      Promise<Void> done = Promise.promise();
      stopped = done.future();
      // Blocking joins and client closes: on a thread of its own, never an event loop.
      Thread stopper = new Thread(() -> {
        closeInOrder();
        done.complete();
      }, "seckill-order-consumer-stop");
      stopper.start();
    }
    return stopped;
  }

  private void closeInOrder() {
    loops.stop(Duration.ofSeconds(30));
    drainRedisWrites(Duration.ofSeconds(5));
    components.redisStatus().stop();
    components.deadLetters().close();
    admin.close(Duration.ofSeconds(5));
    try {
      ManagementServer server = management;
      if (server != null && server.deploymentID() != null) {
        runtime.vertx().undeploy(server.deploymentID()).await(5, TimeUnit.SECONDS);
      }
      pool.close().await(5, TimeUnit.SECONDS);
      redis.close();
      runtime.vertx().close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("order consumer did not close cleanly: {}", e.getMessage());
    }
    LOG.info("order consumer stopped");
  }

  private void drainRedisWrites(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (components.redisStatus().outstanding() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
