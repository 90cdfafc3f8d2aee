package io.seckill.consumer;

import io.seckill.common.RunningService;
import io.seckill.common.db.PgPools;
import io.seckill.common.kafka.KafkaCredentialsCheck;
import io.seckill.common.management.Health;
import io.seckill.common.management.ManagementServer;
import io.seckill.common.metrics.ServiceRuntime;
import io.seckill.common.redis.RedisClients;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.consumer.batch.BatchFaults;
import io.seckill.consumer.batch.ConsumerMeters;
import io.seckill.consumer.batch.OrderBatchWriter;
import io.seckill.consumer.batch.RedisOrderStatusWriter;
import io.seckill.consumer.poll.DeadLetterPublisher;
import io.seckill.consumer.poll.OrderPollLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running order consumer: its poll-loop threads, the clients they share (PostgreSQL pool,
 * Redis, the DLQ producer), and its only HTTP server: the management server (/metrics and /health).
 */
final class OrderConsumerService implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(OrderConsumerService.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final long READY_TIMEOUT_MS = 2_000;

  private final ServiceRuntime runtime;
  private final Pool pool;
  private final Redis redis;
  private final Admin admin;
  private final DeadLetterPublisher deadLetters;
  private final RedisOrderStatusWriter redisStatus;
  private final List<OrderPollLoop> loops;
  private final List<Thread> threads;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ConsumerWarmUp warmUp;
  private volatile boolean warm;
  private Thread warmUpThread;
  private ManagementServer management;

  private OrderConsumerService(ServiceRuntime runtime, Pool pool, Redis redis, Admin admin,
                               DeadLetterPublisher deadLetters, RedisOrderStatusWriter redisStatus,
                               List<OrderPollLoop> loops, ConsumerWarmUp warmUp) {
    this.runtime = runtime;
    this.pool = pool;
    this.redis = redis;
    this.admin = admin;
    this.deadLetters = deadLetters;
    this.redisStatus = redisStatus;
    this.loops = loops;
    this.threads = new ArrayList<>();
    this.warmUp = warmUp;
    this.warm = warmUp == null;
  }

  static Future<RunningService> start(OrderConsumerConfig config, BatchFaults faults) {
    // Fail-closed on Kafka refusing the SASL login (a wrong password), open on Kafka being down.
    KafkaCredentialsCheck.verify(config.kafka());
    String instance = "seckill-order-consumer-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
    ServiceRuntime runtime = ServiceRuntime.create("order-consumer", 2);
    Vertx vertx = runtime.vertx();
    Pool pool = PgPools.create(vertx, config.pg(), "order-consumer");
    Redis redis = RedisClients.create(vertx, config.redis());
    RedisAPI redisApi = RedisAPI.api(redis);
    Admin admin = Admin.create(config.kafka().clientProperties(Map.of(
        AdminClientConfig.CLIENT_ID_CONFIG, instance + "-admin",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT_MS,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT_MS)));
    DeadLetterPublisher deadLetters = new DeadLetterPublisher(config.kafka(), config.kafka().dlqTopic(),
        instance + "-dlq", config.dbTimeout());
    ConsumerMeters meters = new ConsumerMeters(runtime.registry());
    OrderBatchWriter writer = new OrderBatchWriter(pool, config.dbTimeout());
    RedisOrderStatusWriter redisStatus = new RedisOrderStatusWriter(vertx, redisApi, config.orderStatusTtlSeconds(),
        config.backoffMin(), config.backoffMax(), meters);
    List<OrderPollLoop> loops = new ArrayList<>();
    for (int i = 0; i < config.threads(); i++) {
      String clientId = instance + "-" + i;
      loops.add(new OrderPollLoop(clientId, config, () -> newConsumer(config, clientId), writer, deadLetters,
          redisStatus, meters, faults));
    }
    ConsumerWarmUp warmUp = config.warmUp().enabled() ? new ConsumerWarmUp(config.warmUp(), config.maxBatch(), writer,
        redisStatus, redisApi, config.redis().mode()) : null;
    OrderConsumerService service = new OrderConsumerService(runtime, pool, redis, admin, deadLetters, redisStatus, loops,
        warmUp);

    // Fail open: scripts are also loaded on first NOSCRIPT, so a Redis down at start only delays status writes.
    SeckillScripts.preloadAll(redisApi).onFailure(e -> LOG.warn("could not preload Lua scripts: {}", e.getMessage()));
    Health health = new Health(READY_TIMEOUT_MS, config.management().readinessCacheMs())
        .check("postgres", writer::ping)
        .check("redis", () -> redisApi.ping(List.of()))
        .check("kafka", service::kafkaReady)
        .check("consumer", service::loopsReady);
    ManagementServer management = new ManagementServer(runtime, health, config.bind().host(),
        config.management().port(), config.http());
    service.management = management;
    return vertx.deployVerticle(management)
        .map(id -> {
          service.warmUpThenStartLoops();
          LOG.info("order consumer {} serving /metrics and /health on {}: {} poll loops on topic {} in group {}",
              instance, management.actualPort(), config.threads(), config.kafka().ordersTopic(), config.groupId());
          return (RunningService) service;
        })
        .onFailure(e -> service.stop());
  }

  private static KafkaConsumer<byte[], byte[]> newConsumer(OrderConsumerConfig config, String clientId) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
        ConsumerConfig.CLIENT_ID_CONFIG, clientId,
        // Offsets move only after the PostgreSQL commit; a new group starts at the beginning, never skipping orders.
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch(),
        ConsumerConfig.FETCH_MIN_BYTES_CONFIG, config.fetchMinBytes(),
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, config.fetchWaitMs(),
        // Cooperative: a rebalance revokes only the partitions that move; the others keep flowing.
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    Map<String, Object> withTimeouts = config.kafka().clientProperties(props);
    // A member silent past session.timeout.ms, or a loop stuck past max.poll.interval.ms, loses its partitions.
    withTimeouts.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, config.maxPollIntervalMs());
    withTimeouts.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.sessionTimeoutMs());
    return new KafkaConsumer<>(withTimeouts, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The warm-up runs before the loops join the group, so it can never commit an offset there, and readiness waits
   * for it. Fail open: it ends (logged) on any failure or past its time bound, and the loops start cold.
   */
  private void warmUpThenStartLoops() {
    if (warmUp == null) {
      startLoops();
      return;
    }
    warmUpThread = new Thread(() -> {
      warmUp.run(stopping::get);
      synchronized (this) {
        warm = true;
        if (!stopping.get()) {
          startLoops();
        }
      }
    }, "seckill-order-consumer-warm-up");
    warmUpThread.start();
  }

  private void startLoops() {
    for (int i = 0; i < loops.size(); i++) {
      Thread thread = new Thread(loops.get(i), "seckill-order-loop-" + i);
      threads.add(thread);
      thread.start();
    }
  }

  private Future<?> kafkaReady() {
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

  private Future<?> loopsReady() {
    if (!warm) {
      return Health.notReady("warming-up", warmUp.progress());
    }
    long dead = loops.stream().filter(loop -> !loop.healthy()).count();
    return dead == 0 ? Future.succeededFuture()
        : Health.notReady("loops-stopped", dead + " of " + loops.size() + " poll loops stopped");
  }

  /** The service's registry (tests read the catalogue meters from it). */
  io.micrometer.core.instrument.MeterRegistry meterRegistry() {
    return runtime.registry();
  }

  /** True once the start-up warm-up is over (at once when it is off). */
  boolean warm() {
    return warm;
  }

  /** The reserved sale id the warm-up used, or -1 when it is off (tests). */
  long warmUpSaleId() {
    return warmUp == null ? -1 : warmUp.saleId();
  }

  /** True while every poll loop is alive (false after a simulated crash). */
  boolean loopsHealthy() {
    return loops.stream().allMatch(OrderPollLoop::healthy);
  }

  /** Partitions currently owned by this instance's loops (tests, diagnostics). */
  int assignedPartitions() {
    return loops.stream().mapToInt(loop -> loop.assignment().size()).sum();
  }

  /** The consumer has no public server: its only HTTP port is the management one. */
  @Override
  public int httpPort() {
    return managementPort();
  }

  @Override
  public int managementPort() {
    return management == null ? -1 : management.actualPort();
  }

  @Override
  public Future<Void> stop() {
    Promise<Void> stopped = Promise.promise();
    if (!stopping.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    // Blocking joins and client closes: on a thread of its own, never an event loop.
    Thread stopper = new Thread(() -> {
      if (warmUpThread != null) {
        joinQuietly(warmUpThread, Duration.ofSeconds(30));
      }
      List<Thread> started;
      synchronized (this) {
        started = List.copyOf(threads);
      }
      loops.forEach(OrderPollLoop::stop);
      for (Thread thread : started) {
        joinQuietly(thread, Duration.ofSeconds(30));
      }
      drainRedisWrites(Duration.ofSeconds(5));
      redisStatus.stop();
      deadLetters.close();
      admin.close(Duration.ofSeconds(5));
      try {
        if (management != null && management.deploymentID() != null) {
          runtime.vertx().undeploy(management.deploymentID()).await(5, TimeUnit.SECONDS);
        }
        pool.close().await(5, TimeUnit.SECONDS);
        redis.close();
        runtime.vertx().close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("order consumer did not close cleanly: {}", e.getMessage());
      }
      LOG.info("order consumer stopped");
      stopped.complete();
    }, "seckill-order-consumer-stop");
    stopper.start();
    return stopped.future();
  }

  private void drainRedisWrites(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (redisStatus.outstanding() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void joinQuietly(Thread thread, Duration bound) {
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
