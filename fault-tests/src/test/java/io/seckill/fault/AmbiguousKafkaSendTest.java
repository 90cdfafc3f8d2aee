package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.RunningService;
import io.seckill.common.db.PgUrls;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import io.seckill.infra.KafkaBroker;
import io.seckill.infra.Ports;
import io.seckill.infra.FaultProxy;
import io.seckill.testing.SeckillSystem;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The Kafka send the gateway cannot judge: the broker appended the record but its acknowledgement is held
 * back past the delivery timeout (a {@link FaultProxy} between the gateway and the broker). Whatever the
 * shopper is told must stay true once the record reaches the consumer.
 */
class AmbiguousKafkaSendTest {
  private static final Map<String, String> TIMEOUTS = Map.of(
      "SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", "1500", "SECKILL_KAFKA_REQUEST_TIMEOUT_MS", "500",
      "SECKILL_KAFKA_MAX_BLOCK_MS", "200", "SECKILL_ORDER_FENCE_TIMEOUT_MS", "1000",
      "SECKILL_REQUEST_TIMEOUT_MS", "10000", "SECKILL_ORPHAN_AFTER_MS", "3000",
      "SECKILL_RECONCILE_INTERVAL_MS", "500");

  private KafkaBroker broker;
  private FaultProxy kafkaProxy;
  private FaultProxy pgProxy;
  private SeckillSystem system;
  private RunningService gateway;
  private Jedis redis;

  @BeforeEach
  void start() throws Exception {
    int proxyPort = Ports.freePort();
    broker = KafkaBroker.startWithProxiedListener(proxyPort);
    kafkaProxy = FaultProxy.start("kafka", proxyPort, "127.0.0.1", broker.proxiedListenerPort());
    Map<String, String> env = new java.util.HashMap<>(TIMEOUTS);
    env.put("SECKILL_KAFKA_BOOTSTRAP", broker.bootstrapServers());
    system = SeckillSystem.start("ambiguous", env, 2, 0, 1);
    pgProxy = FaultProxy.inFrontOf("postgres", system.pgUrl());
    // Only the gateway talks to Kafka and PostgreSQL through the proxies; stock-service and the consumer go direct.
    gateway = system.startGateway(Map.of("SECKILL_KAFKA_BOOTSTRAP", broker.proxiedBootstrap(),
        "SECKILL_PG_URL", pgProxy.route(system.pgUrl())));
    redis = new Jedis(URI.create(system.redisUrl()));
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {redis, system, kafkaProxy, pgProxy, broker}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  @Test
  void aShopperToldNothingWasReservedNeverGetsTheOrderWhoseRecordTheBrokerAppendedAnyway() throws Exception {
    long saleId = system.createOpenSale(10);
    String warm = orderIdOf(system.buy(gateway, saleId, "warm"), 202);
    RunningService consumer = system.consumers().get(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(warm) != null);
    system.stopConsumer(consumer); // the record will sit in the log, unread, while the gateway decides

    kafkaProxy.holdResponses(Duration.ofSeconds(20));
    HttpResponse<String> answer = system.buy(gateway, saleId, "ann");
    kafkaProxy.pass();

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
    assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("UNAVAILABLE");
    List<String> annOrders = ordersOf(saleId, "ann");
    assertThat(annOrders).as("the fence row").hasSize(1);
    String fenced = annOrders.get(0);
    assertThat(status(fenced)).isEqualTo("FAILED/UNAVAILABLE");
    assertThat(redisStock(saleId)).as("the unit went back at once").isEqualTo(9);

    // The appended record now reaches a consumer: it conflicts with the fence and changes nothing.
    system.startConsumer();
    awaitConsumerCaughtUp();
    assertThat(status(fenced)).isEqualTo("FAILED/UNAVAILABLE");
    assertThat(liveOrdersOf(saleId, "ann")).as("ann was told nothing was reserved").isZero();
    assertThat(redisStock(saleId)).as("released once, not twice").isEqualTo(9);

    String second = orderIdOf(system.buy(gateway, saleId, "ann"), 202);
    assertThat(second).as("ann may buy again").isNotEqualTo(fenced);
    assertQuiet(saleId, List.of(warm, second));
  }

  @Test
  void whenPostgresCannotSettleTheSendEitherTheShopperIsTold504WithTheOrderAndTheOrderIsKept() throws Exception {
    long saleId = system.createOpenSale(10);
    String warm = orderIdOf(system.buy(gateway, saleId, "warm"), 202);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(warm) != null);

    kafkaProxy.holdResponses(Duration.ofSeconds(20));
    pgProxy.blackHole();
    HttpResponse<String> answer;
    try {
      answer = system.buy(gateway, saleId, "bob");
    } finally {
      pgProxy.pass();
      kafkaProxy.pass();
    }

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(504);
    JsonObject body = new JsonObject(answer.body());
    assertThat(body.getString("code")).isEqualTo("OUTCOME_UNKNOWN");
    String orderId = body.getString("orderId");
    assertThat(orderId).isNotBlank();
    assertThat(answer.headers().firstValue("Location")).hasValue("/api/v1/orders/" + orderId);
    // The record was appended and the consumer runs: the order the shopper was pointed at is live.
    await().atMost(Duration.ofSeconds(30)).until(() -> "PENDING_PAYMENT".equals(status(orderId)));
    HttpResponse<String> seen = system.order("bob", orderId);
    assertThat(new JsonObject(seen.body()).getString("status")).isIn("QUEUED", "PENDING_PAYMENT");
    assertThat(liveOrdersOf(saleId, "bob")).isEqualTo(1);
    assertQuiet(saleId, List.of(warm, orderId));
  }

  private void assertQuiet(long saleId, List<String> acknowledged) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Invariants.Report report = Invariants.check(system.pgUrl(), system.redisUrl(), saleId, acknowledged);
      assertThat(report.holds()).as(report.toString()).isTrue();
      assertThat(report.inFlight()).as(report.toString()).isZero();
      assertThat(redis.zcard(Bucket.root(saleId).pending())).isZero();
      assertThat(redisStock(saleId)).isEqualTo(remaining(saleId));
    });
  }

  private void awaitConsumerCaughtUp() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(system.consumerGroup())
            .partitionsToOffsetAndMetadata().get();
        Set<TopicPartition> partitions = admin.describeTopics(List.of(system.topic())).allTopicNames().get()
            .get(system.topic()).partitions().stream().map(p -> new TopicPartition(system.topic(), p.partition()))
            .collect(Collectors.toSet());
        ListOffsetsResult ends = admin.listOffsets(partitions.stream()
            .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
        for (TopicPartition p : partitions) {
          long end = ends.partitionResult(p).get().offset();
          OffsetAndMetadata at = committed.get(p);
          if (end > 0 && (at == null || at.offset() < end)) {
            return false;
          }
        }
        return true;
      });
    }
  }

  private static String orderIdOf(HttpResponse<String> answer, int status) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    return new JsonObject(answer.body()).getString("orderId");
  }

  private long redisStock(long saleId) {
    return Long.parseLong(redis.get(Bucket.root(saleId).stock()));
  }

  private String status(String orderId) throws Exception {
    List<String> rows = query("SELECT status || COALESCE('/' || reason, '') FROM orders WHERE order_id = '" + orderId + "'");
    return rows.isEmpty() ? null : rows.get(0);
  }

  private List<String> ordersOf(long saleId, String user) throws Exception {
    return query("SELECT order_id FROM orders WHERE sale_id = " + saleId + " AND user_id = '" + user + "'");
  }

  private long liveOrdersOf(long saleId, String user) throws Exception {
    return Long.parseLong(query("SELECT count(*) FROM orders WHERE sale_id = " + saleId + " AND user_id = '" + user
        + "' AND status IN ('PENDING_PAYMENT', 'PAID')").get(0));
  }

  private long remaining(long saleId) throws Exception {
    return Long.parseLong(query("SELECT remaining FROM sale WHERE sale_id = " + saleId).get(0));
  }

  private List<String> query(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(system.pgUrl())); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }
}
