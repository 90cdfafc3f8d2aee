package io.seckill.stock.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.infra.LocalInfra;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcilerTest {
  /** Reconciles every 100 ms against an empty orders topic: nothing can be on its way. */
  private StockHarness periodic;
  private StockService periodicService;
  /** Reconciles only on demand, against a topic whose consumer group we move by hand. */
  private StockHarness onDemand;
  private StockService onDemandService;
  private final String group = LocalInfra.uniqueName("consumer");

  @BeforeAll
  void start() {
    periodic = new StockHarness();
    periodicService = periodic.start(Map.of("SECKILL_RECONCILE_INTERVAL_MS", "100", "SECKILL_ORPHAN_AFTER_MS", "300",
        // The orphan window must exceed a gateway's record lifetime (2 x max block + delivery timeout).
        "SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", "200", "SECKILL_KAFKA_MAX_BLOCK_MS", "0"));
    onDemand = new StockHarness();
    onDemandService = onDemand.start(Map.of("SECKILL_ORPHAN_AFTER_MS", "1000", "SECKILL_CONSUMER_GROUP", group,
        "SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", "500", "SECKILL_KAFKA_MAX_BLOCK_MS", "100"));
  }

  @AfterAll
  void stop() {
    periodic.close();
    onDemand.close();
  }

  @Test
  void aReservationOrphanedByAGatewayCrashGivesItsStockBackAfterTheThresholdWhenTheConsumerHasNoLag() {
    long saleId = periodic.openSale(periodicService, 10, 1000, 3, 600);
    String kept = periodic.order(saleId, "ann", 1, 0);
    String orphan = periodic.reserve(saleId, "bob", 3);
    assertThat(periodic.redisStock(saleId)).isEqualTo(6);

    await().atMost(Duration.ofSeconds(15)).until(() -> periodic.redisStock(saleId) == 9);

    assertThat(periodic.jedis.hget(RedisKeys.order(orphan), "status")).isEqualTo("FAILED");
    assertThat(periodic.jedis.hget(RedisKeys.order(orphan), "reason")).isEqualTo("ORPHANED");
    assertThat(periodic.jedis.hget(Bucket.root(saleId).buyers(), "bob")).isNull();
    assertThat(periodic.jedis.hget(Bucket.root(saleId).buyers(), "ann")).isEqualTo(kept);
    assertThat(periodic.jedis.zcard(Bucket.root(saleId).pending())).isZero();
    periodic.assertInvariants(saleId, List.of(kept, orphan));
  }

  @Test
  void theDriftGaugeReturnsToZeroOnceTheReconcilerHealsRedisStockInEitherDirection() {
    long saleId = periodic.openSale(periodicService, 20, 1000, 3, 600);
    String orderId = periodic.order(saleId, "cat", 2, 0);
    Set<String> drift = Set.of("sale=\"" + saleId + "\"");

    periodic.jedis.decrBy(Bucket.root(saleId).stock(), 3);
    await().atMost(Duration.ofSeconds(15)).until(() -> periodic.redisStock(saleId) == 18);
    periodic.jedis.incrBy(Bucket.root(saleId).stock(), 5);
    await().atMost(Duration.ofSeconds(15)).until(() -> periodic.redisStock(saleId) == 18);

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(periodic.metric(periodicService, "seckill_stock_drift_units", drift)).isEqualTo(0.0);
      assertThat(periodic.metric(periodicService, "seckill_stock_remaining_units", Set.of("sale=\"" + saleId + "\"",
          "source=\"redis\""))).isEqualTo(18.0);
      assertThat(periodic.metric(periodicService, "seckill_stock_remaining_units", Set.of("sale=\"" + saleId + "\"",
          "source=\"db\""))).isEqualTo(18.0);
    });
    periodic.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void anOldReservationIsKeptWhileTheConsumerGroupLagsAndReleasedOnceItCaughtUp() throws Exception {
    long saleId = onDemand.openSale(onDemandService, 10, 1000, 3, 600);
    String orphan = onDemand.reserve(saleId, "dan", 2);
    onDemand.jedis.zadd(Bucket.root(saleId).pending(), System.currentTimeMillis() - 60_000, orphan);
    Map<String, Object> kafka = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, onDemand.infra.kafkaBootstrap());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(onDemand.topic, "some-order", "{}")).get();
    }

    JsonObject lagging = StockHarness.json(onDemand.post(onDemandService, "/admin/v1/sales/" + saleId + "/reconcile", null, true));

    assertThat(lagging.getBoolean("kafkaCaughtUp")).isFalse();
    assertThat(lagging.getJsonArray("orphansReleased")).isEmpty();
    assertThat(onDemand.redisStock(saleId)).isEqualTo(8);

    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, onDemand.infra.kafkaBootstrap()))) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(onDemand.topic, 0), new OffsetAndMetadata(1))).all().get();
    }
    JsonObject caughtUp = StockHarness.json(onDemand.post(onDemandService, "/admin/v1/sales/" + saleId + "/reconcile", null, true));

    assertThat(caughtUp.getBoolean("kafkaCaughtUp")).isTrue();
    assertThat(caughtUp.getJsonArray("orphansReleased").getList()).containsExactly(orphan);
    assertThat(caughtUp.getLong("drift")).isZero();
    assertThat(onDemand.redisStock(saleId)).isEqualTo(10);
    onDemand.assertInvariants(saleId, List.of(orphan));
  }

  @Test
  void aPendingEntryWhoseOrderIsAlreadyInTheDatabaseIsClearedWithItsStatusFromTheDatabase() {
    long saleId = onDemand.openSale(onDemandService, 10, 1000, 3, 600);
    String orderId = onDemand.reserve(saleId, "eve", 1);
    onDemand.insertOrder(saleId, orderId, "eve", 1, 0);

    JsonObject report = StockHarness.json(onDemand.post(onDemandService, "/admin/v1/sales/" + saleId + "/reconcile", null, true));

    assertThat(report.getJsonArray("settledPending").getList()).containsExactly(orderId);
    assertThat(onDemand.jedis.zcard(Bucket.root(saleId).pending())).isZero();
    assertThat(onDemand.jedis.hget(RedisKeys.order(orderId), "status")).isEqualTo("PENDING_PAYMENT");
    assertThat(report.getLong("drift")).isZero();
    assertThat(onDemand.redisStock(saleId)).isEqualTo(9);
    onDemand.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void pendingEntriesThatAreRowsBeyondOneScriptCallAreAllClearedInOnePass() {
    int rows = 2 * PendingSettlement.ORDERS_PER_CALL + 3;
    long saleId = onDemand.openSale(onDemandService, rows + 5, 1000, 1, 600);
    Map<String, String> shopperByOrderId = new LinkedHashMap<>();
    for (int i = 0; i < rows; i++) {
      shopperByOrderId.put(onDemand.reserve(saleId, "row-" + i, 1), "row-" + i);
    }
    onDemand.insertOrders(saleId, shopperByOrderId);
    List<String> orderIds = List.copyOf(shopperByOrderId.keySet());

    JsonObject report = StockHarness.json(onDemand.post(onDemandService, "/admin/v1/sales/" + saleId + "/reconcile", null, true));

    assertThat(report.getJsonArray("settledPending").getList()).containsExactlyInAnyOrderElementsOf(orderIds);
    assertThat(onDemand.jedis.zcard(Bucket.root(saleId).pending())).isZero();
    assertThat(orderIds).allSatisfy(id -> assertThat(onDemand.jedis.hget(RedisKeys.order(id), "status")).isEqualTo("PENDING_PAYMENT"));
    assertThat(report.getLong("drift")).isZero();
    assertThat(onDemand.redisStock(saleId)).isEqualTo(5);
    onDemand.assertInvariants(saleId, orderIds);
  }
}
