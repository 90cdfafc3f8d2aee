package io.seckill.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.seckill.common.RunningService;
import io.seckill.common.config.Env;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.OrderMessageCodec;
import io.seckill.common.metrics.SeckillMeter;
import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.consumer.batch.BatchFaults;
import io.seckill.infra.Invariants;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.stack.GatewayReservation;
import io.seckill.infra.stack.SeededSale;
import io.seckill.infra.stack.ServiceEnv;
import io.seckill.infra.stack.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.Jedis;

/**
 * One test's world: its own database, topics, sale id and consumer group on the shared infra,
 * Redis reservation state seeded through reserve.lua, and the consumers it started.
 */
final class ConsumerFixture implements AutoCloseable {
  final LocalInfra infra = LocalInfra.shared();
  final String pgUrl;
  final String topic;
  final String dlqTopic;
  final long saleId = LocalInfra.uniqueSaleIdBase();
  final String group = LocalInfra.uniqueName("order-consumer");
  private final Vertx vertx = Vertx.vertx();
  private final Redis redisClient;
  private final RedisAPI redis;
  private final KafkaProducer<String, byte[]> producer;
  private final Admin admin;
  private final List<RunningService> started = new ArrayList<>();
  final List<String> acknowledged = new ArrayList<>();

  ConsumerFixture(int partitions) {
    pgUrl = infra.createSeckillDatabase("consumer");
    topic = infra.createTopic(LocalInfra.uniqueName("orders"), partitions);
    dlqTopic = infra.createTopic(LocalInfra.uniqueName("orders-dlq"), 1);
    redisClient = Redis.createClient(vertx, infra.redisUrl());
    redis = RedisAPI.api(redisClient);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()));
  }

  /** The sale in PostgreSQL with {@code dbStock} units, and warmed up in Redis with {@code redisStock}. */
  void createSale(int dbStock, int redisStock) throws Exception {
    long now = System.currentTimeMillis();
    SeededSale.of(saleId, dbStock).itemName("test item").priceCents(1000).perUserLimit(5)
        .window(now - 3_600_000, now + 3_600_000).insertInto(TestDatabase.at(pgUrl)).warmInto(infra.redisUrl(), redisStock);
  }

  /** Reserves as the gateway would (reserve.lua) and returns the message the gateway would produce. */
  OrderMessage reserve(String userId, int quantity) {
    String orderId = OrderIds.next(saleId);
    String requestId = "req-" + orderId;
    Response answer = GatewayReservation.reserve(redis, saleId, orderId, userId, quantity, 3600, requestId);
    assertThat(answer.get(0).toString()).as("reserve for %s", userId).isEqualTo("OK");
    acknowledged.add(orderId);
    return new OrderMessage(orderId, saleId, userId, quantity, System.currentTimeMillis(), requestId);
  }

  List<OrderMessage> reserveMany(String userPrefix, int count) {
    List<OrderMessage> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      orders.add(reserve(userPrefix + i, 1 + i % 2));
    }
    return orders;
  }

  void produce(Collection<OrderMessage> orders) throws Exception {
    for (OrderMessage order : orders) {
      producer.send(new ProducerRecord<>(topic, order.orderId(), OrderMessageCodec.encode(order)));
    }
    producer.flush();
  }

  void produceRaw(String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  Map<String, String> env(Map<String, String> overrides) {
    return ServiceEnv.forInfra(infra).database(pgUrl).orders(topic).consumerGroup(group).consumer()
        .with("SECKILL_ORDERS_DLQ_TOPIC", dlqTopic)
        .with("SECKILL_CONSUMER_BACKOFF_MIN_MS", "50").with("SECKILL_CONSUMER_BACKOFF_MAX_MS", "400")
        .with("SECKILL_CONSUMER_DB_TIMEOUT_MS", "3000").with(overrides).toMap();
  }

  OrderConsumerService start(Map<String, String> overrides, BatchFaults faults) throws Exception {
    RunningService service = Main.start(OrderConsumerConfig.from(Env.of(env(overrides))), faults)
        .await(60, TimeUnit.SECONDS);
    started.add(service);
    return (OrderConsumerService) service;
  }

  OrderConsumerService start() throws Exception {
    return start(Map.of(), BatchFaults.NONE);
  }

  void stop(RunningService service) throws Exception {
    service.stop().await(60, TimeUnit.SECONDS);
    started.remove(service);
  }

  static double count(OrderConsumerService service, SeckillMeter meter, String... tags) {
    Counter counter = service.meterRegistry().find(meter.meterName()).tags(meter.tags(tags)).counter();
    return counter == null ? 0 : counter.count();
  }

  // --- reading the outcome -------------------------------------------------------------

  /** status and reason of an order row, or null when there is no row. */
  List<String> row(String orderId) throws Exception {
    try (Connection c = db(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT status, reason FROM orders WHERE order_id = '" + orderId + "'")) {
      return rs.next() ? java.util.Arrays.asList(rs.getString(1), rs.getString(2)) : null;
    }
  }

  long scalar(String query) throws Exception {
    return TestDatabase.at(pgUrl).number(query);
  }

  long remaining() throws Exception {
    return scalar("SELECT remaining FROM sale WHERE sale_id = " + saleId);
  }

  long rows() throws Exception {
    return scalar("SELECT count(*) FROM orders");
  }

  /** Every column of every order and sale row, for before/after comparisons. */
  List<String> dump() throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = db(); Statement s = c.createStatement()) {
      for (String query : List.of("SELECT o::text FROM orders o ORDER BY order_id", "SELECT s::text FROM sale s ORDER BY sale_id")) {
        try (ResultSet rs = s.executeQuery(query)) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      }
    }
    return lines;
  }

  void sql(String statement) throws Exception {
    TestDatabase.at(pgUrl).execute(statement);
  }

  /** Runs a statement as the server's admin, on the admin database. */
  void adminSql(String statement) throws Exception {
    TestDatabase.at(infra.postgresUrl()).execute(statement);
  }

  String databaseName() {
    return URI.create(pgUrl).getPath().substring(1);
  }

  Map<String, String> redisOrder(String orderId) {
    try (Jedis jedis = new Jedis(URI.create(infra.redisUrl()))) {
      return jedis.hgetAll(RedisKeys.order(orderId));
    }
  }

  long redisStock() {
    try (Jedis jedis = new Jedis(URI.create(infra.redisUrl()))) {
      return Long.parseLong(jedis.get(Bucket.root(saleId).stock()));
    }
  }

  long redisPending() {
    try (Jedis jedis = new Jedis(URI.create(infra.redisUrl()))) {
      return jedis.zcard(Bucket.root(saleId).pending());
    }
  }

  /** Sum over the topic's partitions of the group's committed offsets. */
  long committed(String groupId) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset()).sum();
  }

  /** Sum over the topic's partitions of the end offsets: the records produced so far. */
  long produced() throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
        .mapToLong(info -> info.offset()).sum();
  }

  Invariants.Report invariants() {
    return Invariants.check(pgUrl, infra.redisUrl(), saleId, acknowledged);
  }

  Admin admin() {
    return admin;
  }

  private Connection db() throws Exception {
    return TestDatabase.at(pgUrl).connect();
  }

  @Override
  public void close() throws Exception {
    for (RunningService service : List.copyOf(started)) {
      stop(service);
    }
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
    redisClient.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
