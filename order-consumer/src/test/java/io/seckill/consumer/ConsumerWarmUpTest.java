package io.seckill.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.config.Env;
import io.seckill.common.db.PgPools;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.order.OrderIds;
import io.seckill.common.warmup.WarmUpSales;
import io.seckill.consumer.batch.BatchFaults;
import io.seckill.consumer.batch.OrderBatchWriter;
import io.seckill.consumer.batch.OrderOutcome;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.seckill.infra.LocalInfra;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/** The consumer's start-up warm-up: rehearsed batches that leave no row, no key and no committed offset. */
class ConsumerWarmUpTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final ConsumerFixture fx = new ConsumerFixture(2);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() throws Exception {
    fx.close();
  }

  @Test
  void aRehearsedBatchInsertsEveryOrderInsideItsTransactionYetLeavesNoRow() throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool pool = PgPools.create(vertx, OrderConsumerConfig.from(Env.of(fx.env(Map.of()))).pg(), "rehearsal-test");
    try {
      OrderBatchWriter writer = new OrderBatchWriter(pool, Duration.ofSeconds(10));
      long sale = WarmUpSales.pick();
      List<OrderMessage> orders = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        orders.add(new OrderMessage(OrderIds.next(sale), sale, WarmUpSales.USER_PREFIX + i, 1, 0L, "r-" + i));
      }
      for (boolean fitToStock : List.of(false, true)) {
        List<OrderOutcome> outcomes = writer.rehearse(sale, orders, fitToStock);
        assertThat(outcomes).extracting(OrderOutcome::result).as("fitToStock=%s", fitToStock)
            .hasSize(20).containsOnly(OrderOutcome.Result.INSERTED);
      }
      assertThat(fx.scalar("SELECT count(*) FROM orders")).isZero();
      assertThat(fx.scalar("SELECT count(*) FROM sale")).isZero();
    } finally {
      pool.close();
      vertx.close();
    }
  }

  @Test
  void theWarmUpLeavesNoRowNoRedisKeyAndNoOffsetOnTheRealGroup() throws Exception {
    OrderConsumerService service = fx.start(Map.of("SECKILL_WARMUP_REQUESTS", "600", "SECKILL_WARMUP_MAX_MS", "60000",
        "SECKILL_WARMUP_UNTIL_JIT_SETTLES", "false"),
        BatchFaults.NONE);
    await().atMost(WAIT).until(service::warm);
    long sale = service.warmUpSaleId();
    assertThat(WarmUpSales.isReserved(sale)).isTrue();
    assertThat(fx.scalar("SELECT count(*) FROM orders")).isZero();
    assertThat(fx.scalar("SELECT count(*) FROM sale")).isZero();
    try (Jedis redis = new Jedis(URI.create(fx.infra.redisUrl()))) {
      List<String> left = new ArrayList<>();
      String cursor = "0";
      do { // the whole keyspace: the shared Redis holds other suites' keys
        var page = redis.scan(cursor, new ScanParams().match("seckill:{" + sale + "*").count(10_000));
        left.addAll(page.getResult());
        cursor = page.getCursor();
      } while (!"0".equals(cursor));
      assertThat(left).as("keys of warm-up sale %s", sale).isEmpty();
    }
    await().atMost(WAIT).until(() -> service.assignedPartitions() == 2);
    assertThat(fx.admin().listConsumerGroupOffsets(fx.group).partitionsToOffsetAndMetadata().get().values())
        .as("offsets committed on the real group").allMatch(offset -> offset == null);
  }

  @Test
  void theWarmUpReadsEachOfItsOrdersBackFromTheWarmUpTopicOutsideAnyGroup() throws Exception {
    String warmUpTopic = LocalInfra.uniqueName("warm-up"); // missing: the warm-up creates it
    OrderConsumerService service = fx.start(Map.of("SECKILL_WARMUP_REQUESTS", "600", "SECKILL_WARMUP_MAX_MS", "60000",
        "SECKILL_WARMUP_TOPIC", warmUpTopic), BatchFaults.NONE);
    await().atMost(WAIT).until(service::warm);
    int orders = 600 * ConsumerWarmUp.ORDERS_PER_REQUEST;
    assertThat(service.warmUpReadBack()).as("orders read back from %s", warmUpTopic).isEqualTo(orders);
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = fx.admin().listOffsets(
        fx.admin().describeTopics(List.of(warmUpTopic)).allTopicNames().get().get(warmUpTopic).partitions().stream()
            .collect(Collectors.toMap(p -> new TopicPartition(warmUpTopic, p.partition()), p -> OffsetSpec.latest())))
        .all().get();
    assertThat(ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum())
        .as("records on %s", warmUpTopic).isEqualTo(orders);
    for (GroupListing group : fx.admin().listGroups().all().get()) {
      assertThat(fx.admin().listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get().keySet())
          .as("offsets of group %s", group.groupId()).noneMatch(p -> p.topic().equals(warmUpTopic));
    }
    assertThat(fx.scalar("SELECT count(*) FROM orders")).isZero();
  }

  @Test
  void theWarmUpReadsEachBatchBackWithoutWaitingForTheLoopsFetchSize() throws Exception {
    // The poll loops wait for a megabyte or 10 s per fetch; had the warm-up's reader done so, its first batch (one
    // order) would outlast the warm-up's 8 s bound and the rest would be rehearsed without the fetch.
    OrderConsumerService service = fx.start(Map.of("SECKILL_WARMUP_REQUESTS", "20", "SECKILL_WARMUP_MAX_MS", "8000",
        "SECKILL_WARMUP_TOPIC", LocalInfra.uniqueName("warm-up"), "SECKILL_CONSUMER_FETCH_MIN_BYTES", "1000000",
        "SECKILL_CONSUMER_FETCH_WAIT_MS", "10000"), BatchFaults.NONE);
    await().atMost(WAIT).until(service::warm);
    assertThat(service.warmUpReadBack()).isEqualTo(20 * ConsumerWarmUp.ORDERS_PER_REQUEST);
  }

  @Test
  void aWarmUpTopicThatCannotBeUsedLeavesTheFetchOutAndEveryOtherStepRehearsed() throws Exception {
    OrderConsumerService service = fx.start(Map.of("SECKILL_WARMUP_REQUESTS", "300", "SECKILL_WARMUP_MAX_MS", "60000",
        "SECKILL_WARMUP_TOPIC", "not a topic name!"), BatchFaults.NONE);
    await().atMost(WAIT).until(service::warm);
    assertThat(service.warmUpReadBack()).isZero();
    assertThat(fx.scalar("SELECT count(*) FROM orders")).isZero();
    fx.createSale(10, 10);
    fx.produce(fx.reserveMany("shopper-", 2));
    await().atMost(WAIT).until(() -> fx.rows() == 2);
  }

  @Test
  void readinessSaysWarmingUntilTheWarmUpIsOverAndThenTheLoopsPersistRealOrders() throws Exception {
    fx.createSale(10, 10);
    // Far more orders than 3 s allow: the time bound ends this warm-up, so it is surely running at the first probe.
    OrderConsumerService service = fx.start(Map.of("SECKILL_WARMUP_REQUESTS", "10000000", "SECKILL_WARMUP_MAX_MS", "3000"),
        BatchFaults.NONE);
    HttpResponse<String> first = ready(service);
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(first.body()).getJsonObject("checks").getJsonObject("consumer").getString("reason"))
        .isEqualTo("warming-up");
    await().atMost(WAIT).until(() -> ready(service).statusCode() == 200);
    assertThat(service.warm()).isTrue();
    fx.produce(fx.reserveMany("shopper-", 3));
    await().atMost(WAIT).until(() -> fx.rows() == 3);
    assertThat(fx.scalar("SELECT count(*) FROM sale")).as("only the real sale").isEqualTo(1);
  }

  @Test
  void aConsumerStartedWithABacklogSkipsTheWarmUpAndPersistsTheQueuedOrdersAtOnce() throws Exception {
    fx.createSale(60, 60);
    fx.produce(fx.reserveMany("queued-", 30));
    // Warmed up, this consumer would take 120 s to reach its first real order: past the wait below.
    OrderConsumerService service = fx.start(Map.of("SECKILL_WARMUP_REQUESTS", "10000000", "SECKILL_WARMUP_MAX_MS", "120000",
        "SECKILL_CONSUMER_WARMUP_SKIP_BACKLOG", "20"), BatchFaults.NONE);

    await().atMost(WAIT).until(() -> fx.rows() == 30);
    assertThat(service.warmUpSkippedAtBacklog()).isEqualTo(30);
    assertThat(service.warmUpReadBack()).as("no synthetic order was sent").isZero();
    assertThat(service.warm()).isTrue();
    await().atMost(WAIT).until(() -> ready(service).statusCode() == 200);
    assertThat(fx.scalar("SELECT count(*) FROM sale")).as("only the real sale").isEqualTo(1);
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  @Test
  void aBacklogBelowTheThresholdIsPersistedAfterTheWarmUp() throws Exception {
    fx.createSale(20, 20);
    fx.produce(fx.reserveMany("queued-", 5));
    OrderConsumerService service = fx.start(Map.of("SECKILL_WARMUP_REQUESTS", "300", "SECKILL_WARMUP_MAX_MS", "60000",
        "SECKILL_WARMUP_TOPIC", LocalInfra.uniqueName("warm-up"), "SECKILL_CONSUMER_WARMUP_SKIP_BACKLOG", "20"), BatchFaults.NONE);

    await().atMost(WAIT).until(() -> fx.rows() == 5);
    assertThat(service.warmUpSkippedAtBacklog()).isEqualTo(-1);
    assertThat(service.warmUpReadBack()).as("the warm-up ran before the loops").isEqualTo(300 * ConsumerWarmUp.ORDERS_PER_REQUEST);
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  private HttpResponse<String> ready(OrderConsumerService service) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort() + "/health/ready"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
