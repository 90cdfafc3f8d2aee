package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.gateway.warmup.WarmUpTraffic;
import io.seckill.common.warmup.WarmUpSales;
import io.seckill.infra.LocalInfra;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/**
 * The gateway's start-up warm-up, run once with strict rate limits (5 requests per client IP and per shopper), so a
 * warm-up charged to the real loopback client or throttled by it would show.
 */
class WarmUpTrafficTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static GatewayHarness gateway;
  private static String warmUpTopic;
  private static WarmUpTraffic.Report report;

  @BeforeAll
  static void startAndWarmUp() throws Exception {
    warmUpTopic = LocalInfra.uniqueName("orders-warmup");
    gateway = new GatewayHarness(Map.of("SECKILL_WARMUP_REQUESTS", "800", "SECKILL_WARMUP_MAX_MS", "60000",
        "SECKILL_WARMUP_UNTIL_JIT_SETTLES", "false",
        "SECKILL_WARMUP_TOPIC", warmUpTopic,
        "SECKILL_RATE_IP_PER_S", "1", "SECKILL_RATE_IP_BURST", "5",
        "SECKILL_RATE_USER_PER_S", "1", "SECKILL_RATE_USER_BURST", "5"));
    GatewayService service = (GatewayService) gateway.service;
    await().atMost(WAIT).until(() -> service.warmUp().isComplete());
    report = service.warmUp().result();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void theWarmUpAdmitsRefusesAndRepeatsPurchasesThroughTheRealRouterUnthrottled() {
    assertThat(report.sent()).isEqualTo(800);
    assertThat(report.answers()).containsKeys(202, 409, 200).doesNotContainKeys(0, 429, 500, 503, 504);
    assertThat(report.answers().get(202)).as("one admission per synthetic shopper").isEqualTo(200);
    assertThat(report.notStarted()).as("SALE_NOT_STARTED: one refusal per other shopper, as before an opening")
        .isEqualTo(100);
    assertThat(report.saleIds()).hasSize(3).doesNotHaveDuplicates().allMatch(WarmUpSales::isReserved);
  }

  @Test
  void noKeyOfAnyWarmUpSaleIsLeftInRedis() {
    for (long sale : report.saleIds()) {
      assertThat(keysOf(sale)).as("keys of warm-up sale %s", sale).isEmpty();
    }
  }

  /** Every key of the sale's hash tag, the whole keyspace scanned (the shared Redis holds other suites' keys). */
  private static List<String> keysOf(long sale) {
    List<String> found = new java.util.ArrayList<>();
    try (Jedis redis = gateway.jedis()) {
      String cursor = "0";
      do {
        var page = redis.scan(cursor, new ScanParams().match("seckill:{" + sale + "*").count(10_000));
        found.addAll(page.getResult());
        cursor = page.getCursor();
      } while (!"0".equals(cursor));
    }
    return found;
  }

  @Test
  void theWarmUpRehearsesTheKafkaHandOffAloneAsManyTimesAsItSendsRequests() {
    assertThat(report.handOffs()).as("hand-offs Kafka acknowledged").isEqualTo(800);
  }

  @Test
  void theWarmUpOrdersWentToTheWarmUpTopicAndNoneToTheOrdersTopic() throws Exception {
    assertThat(endOffsets(gateway.topic)).as("records on the real orders topic").isZero();
    assertThat(endOffsets(warmUpTopic)).as("records on the warm-up topic: the 202s and the rehearsed hand-offs")
        .isEqualTo(report.answers().get(202).longValue() + report.handOffs());
  }

  @Test
  void aRealShopperOnLoopbackFindsTheRateLimitersUntouchedAndReadinessUp() {
    long sale = gateway.seedOpenSale(10, 1);
    // Five requests is the whole per-IP burst: any bucket the warm-up had drained for 127.0.0.1 would refuse one.
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> answer = gateway.postJson("/api/v1/sales/" + sale + "/orders", "real-shopper-" + i,
          "{\"quantity\":1}");
      assertThat(answer.statusCode()).as("purchase %s: %s", i, answer.body()).isEqualTo(202);
    }
    await().atMost(WAIT).until(() -> gateway.management("/health/ready").statusCode() == 200);
  }

  private static long endOffsets(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, gateway.infra.kafkaBootstrap()))) {
      Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      if (!existing.contains(topic)) {
        return 0;
      }
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
          .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
          .mapToLong(info -> info.offset()).sum();
    }
  }

  /** Readiness answers "warming up" while the warm-up runs, and UP only once it is over. */
  @Test
  void readinessIsDownWhileWarmingAndUpOnlyAfterTheWarmUpEnded() {
    // Far more requests than 3 s allow: the time bound ends this warm-up, so it is surely running at the first probe.
    try (GatewayHarness warming = new GatewayHarness(Map.of("SECKILL_WARMUP_REQUESTS", "10000000",
        "SECKILL_WARMUP_MAX_MS", "3000", "SECKILL_WARMUP_TOPIC", warmUpTopic))) {
      GatewayService service = (GatewayService) warming.service;
      HttpResponse<String> first = warming.management("/health/ready");
      assertThat(first.statusCode()).isEqualTo(503);
      JsonObject check = new JsonObject(first.body()).getJsonObject("checks").getJsonObject("warm-up");
      assertThat(check.getString("status")).isEqualTo("DOWN");
      assertThat(check.getString("reason")).isEqualTo("warming-up");
      assertThat(warming.management("/health/live").statusCode()).as("liveness does not wait").isEqualTo(200);

      await().atMost(WAIT).until(() -> warming.management("/health/ready").statusCode() == 200);
      assertThat(service.warmUp().isComplete()).as("warm-up over when readiness said UP").isTrue();
      assertThat(service.warmUp().result().sent()).isLessThan(10_000_000);
    }
  }
}
