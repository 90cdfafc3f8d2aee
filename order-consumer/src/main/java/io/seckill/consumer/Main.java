package io.seckill.consumer;

import io.seckill.common.RunningService;
import io.seckill.common.ServiceMain;
import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.common.db.PgPools;
import io.seckill.common.kafka.GroupLag;
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
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the order consumer: config, Vert.x with metrics, shared components, poll loops, the management server. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** Bound on each step of the warm-up's Kafka leg: describing or creating its topic, one batch's round trip. */
  private static final Duration WARM_UP_KAFKA_TIMEOUT = Duration.ofSeconds(5);

  private Main() {
  }

  /** Builds the configuration from {@code env} (throwing {@link ConfigException} naming a bad variable) and starts. */
  public static Future<RunningService> start(Env env) {
    if (env.optional("SECKILL_HTTP_PORT", null) != null) {
      // Not an error: a shared environment (run scripts, one ConfigMap for all services) may still carry it.
      LOG.warn("SECKILL_HTTP_PORT is not read by the order consumer: its only HTTP server is the management port, "
          + "SECKILL_MANAGEMENT_PORT");
    }
    return start(OrderConsumerConfig.from(env), BatchFaults.NONE);
  }

  /** Starts with a built configuration; tests pass their own {@code faults}, production {@link BatchFaults#NONE}. */
  static Future<RunningService> start(OrderConsumerConfig config, BatchFaults faults) {
    // Fail-closed: Kafka refusing the SASL login (a wrong password) stops the start. Fail-open: Kafka down does not.
    KafkaCredentialsCheck.verify(config.kafka());
    String instance = "seckill-order-consumer-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
    ServiceRuntime runtime = ServiceRuntime.create("order-consumer", 2);
    Vertx vertx = runtime.vertx();
    Pool pool = PgPools.create(vertx, config.pg(), "order-consumer");
    Redis redis = RedisClients.create(vertx, config.redis());
    RedisAPI redisApi = RedisAPI.api(redis);
    Admin admin = Admin.create(config.kafka().clientProperties(Map.of(
        AdminClientConfig.CLIENT_ID_CONFIG, instance + "-admin",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) OrderConsumerService.READY_TIMEOUT_MS,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) OrderConsumerService.READY_TIMEOUT_MS)));
    DeadLetterPublisher deadLetters = new DeadLetterPublisher(config.kafka(), config.kafka().dlqTopic(),
        instance + "-dlq", config.dbTimeout());
    ConsumerMeters meters = new ConsumerMeters(runtime.registry());
    OrderBatchWriter writer = new OrderBatchWriter(pool, config.dbTimeout());
    RedisOrderStatusWriter redisStatus = new RedisOrderStatusWriter(vertx, redisApi, config.orderStatusTtlSeconds(),
        config.backoffMin(), config.backoffMax(), meters);
    ConsumerComponents components = new ConsumerComponents(config, writer, deadLetters, redisStatus, meters, faults);
    List<OrderPollLoop> loops = new ArrayList<>();
    for (int i = 0; i < config.threads(); i++) {
      String clientId = instance + "-" + i;
      loops.add(new OrderPollLoop(clientId, components, () -> new KafkaConsumer<>(
          config.kafkaConsumerProperties(clientId), new ByteArrayDeserializer(), new ByteArrayDeserializer())));
    }
    ConsumerWarmUp warmUp = config.warmUp().enabled() ? new ConsumerWarmUp(config.warmUp(), config.maxBatch(), writer,
        redisStatus, redisApi, config.redis().mode(),
        () -> WarmUpKafka.open(config, admin, instance + "-warm-up", WARM_UP_KAFKA_TIMEOUT)) : null;
    PollLoops pollLoops = new PollLoops(loops, warmUp, () -> queuedOrders(admin, config), config.warmUpSkipBacklog());
    OrderConsumerService service = new OrderConsumerService(runtime, components, pollLoops, pool, redis, admin);

    // Fail-open: scripts are also loaded on first NOSCRIPT, so a Redis down at start only delays status writes.
    SeckillScripts.preloadAll(redisApi).onFailure(e -> LOG.warn("could not preload Lua scripts: {}", e.getMessage()));
    Health health = new Health(OrderConsumerService.READY_TIMEOUT_MS, config.management().readinessCacheMs())
        .check("postgres", writer::ping)
        .check("redis", () -> redisApi.ping(List.of()))
        .check("kafka", service::kafkaReady)
        .check("consumer", pollLoops::readiness);
    ManagementServer management = new ManagementServer(runtime, health, config.bind().host(),
        config.management().port(), config.http());
    return vertx.deployVerticle(management)
        .map(id -> {
          service.serving(management);
          LOG.info("order consumer {} serving /metrics and /health on {}: {} poll loops on topic {} in group {}",
              instance, management.actualPort(), config.threads(), config.kafka().ordersTopic(), config.groupId());
          return (RunningService) service;
        })
        .onFailure(e -> service.stop());
  }

  /** The group's lag on the orders topic. Fail-open: -1 (logged) when Kafka cannot tell in time, and the warm-up runs. */
  private static long queuedOrders(Admin admin, OrderConsumerConfig config) {
    try {
      return GroupLag.of(admin, config.kafka().ordersTopic(), config.groupId(), WARM_UP_KAFKA_TIMEOUT.toMillis());
    } catch (Exception e) {
      LOG.warn("could not read the group's backlog at start, warming up as usual: {}", e.toString());
      return -1;
    }
  }

  public static void main(String[] args) {
    ServiceMain.run("seckill-order-consumer", Main::start);
  }
}
