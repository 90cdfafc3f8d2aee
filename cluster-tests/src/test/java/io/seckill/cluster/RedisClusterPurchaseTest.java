package io.seckill.cluster;

import io.seckill.testing.SeckillSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.infra.Invariants;
import io.seckill.infra.RedisClusterHarness;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * The purchase and order lifecycle with every service on a real 3-primary Redis Cluster
 * (SECKILL_REDIS_MODE=cluster): warm-up, admission, persistence, cancel, payment, restock broadcast
 * and reconciliation, each followed by the invariant check read from the cluster.
 */
class RedisClusterPurchaseTest {
  private static RedisClusterHarness cluster;
  private static SeckillSystem services;
  private static SaleRows rows;
  private static JedisCluster redis;

  @BeforeAll
  static void startClusterAndServices() throws Exception {
    cluster = RedisClusterHarness.start();
    services = SeckillSystem.start("cluster", Map.of(
        "SECKILL_REDIS_MODE", "cluster",
        "SECKILL_REDIS_URL", cluster.url(),
        // Only the restock broadcast can clear a sold-out flag within a test's lifetime.
        "SECKILL_SOLD_OUT_TTL_MS", "600000",
        // The shoppers all come from 127.0.0.1: the per-IP bucket must not be what refuses them.
        "SECKILL_RATE_IP_PER_S", "1000000", "SECKILL_RATE_IP_BURST", "1000000",
        // Only the tests' explicit reconcile call heals Redis, so what it reports is what the test did.
        "SECKILL_RECONCILE_INTERVAL_MS", "3600000"), 2, 1, 1);
    rows = new SaleRows(services.pgUrl());
    redis = new JedisCluster(cluster.ports().stream().map(p -> new HostAndPort("127.0.0.1", p)).collect(Collectors.toSet()));
  }

  @AfterAll
  static void stopEverything() {
    if (redis != null) {
      redis.close();
    }
    if (services != null) {
      services.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aSaleCreatedInStockServiceIsWarmedIntoTheClusterAndAnOrderBoughtThroughTheGatewayBecomesARow() throws Exception {
    long saleId = services.createOpenSale(10);
    assertThat(redis.get(Bucket.root(saleId).stock())).isEqualTo("10");

    HttpResponse<String> bought = services.buy(saleId, "alice");

    assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
    String orderId = new JsonObject(bought.body()).getString("orderId");
    awaitStatus("alice", orderId, "PENDING_PAYMENT");
    assertThat(rows.statuses(saleId)).containsExactlyEntriesOf(Map.of(orderId, "PENDING_PAYMENT"));
    assertThat(redis.get(Bucket.root(saleId).stock())).isEqualTo("9");
    assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void fiveHundredShoppersTwiceEachForFiftyUnitsAdmitExactlyFiftyAndNoShopperGetsTwoOrders() throws Exception {
    long saleId = services.createOpenSale(50);
    List<String> shoppers = ShopperRush.users("racer", 0, 500);

    List<ShopperRush.Attempt> attempts = ShopperRush.rush(services, saleId, List.of(shoppers, shoppers),
        n -> services.gateway(), wave -> { });

    Set<String> admitted = ShopperRush.admittedOrderIds(attempts);
    assertThat(admitted).hasSize(50);
    Map<String, Long> admissionsPerShopper = attempts.stream().filter(a -> a.status() == 202)
        .collect(Collectors.groupingBy(ShopperRush.Attempt::user, Collectors.counting()));
    assertThat(admissionsPerShopper.values()).allMatch(n -> n == 1);
    assertThat(ShopperRush.statusCounts(attempts).keySet()).as("only 202, 200 duplicate, 409 sold out")
        .isSubsetOf(202, 200, 409);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(rows.statuses(saleId)).hasSize(50).containsOnlyKeys(admitted));
    assertThat(rows.remaining(saleId)).isZero();
    assertInvariants(saleId, admitted);
  }

  @Test
  void aSaleSplitIntoSixteenBucketsSpreadsOverTheShardsAndARushStillSellsEachUnitOnce() throws Exception {
    int buckets = 16;
    long saleId = services.createSale(64, 1, 300, false, 0, buckets);
    Set<Integer> shards = Bucket.all(saleId, buckets).stream().map(b -> cluster.portOfKey(b.stock()))
        .collect(Collectors.toSet());
    assertThat(shards).as("the buckets' primaries").hasSizeGreaterThanOrEqualTo(2);
    List<String> shoppers = ShopperRush.users("split", 0, 400);

    List<ShopperRush.Attempt> attempts = ShopperRush.rush(services, saleId, List.of(shoppers, shoppers),
        n -> services.gateway(), wave -> { });

    Set<String> admitted = ShopperRush.admittedOrderIds(attempts);
    assertThat(admitted).hasSize(64);
    assertThat(admitted.stream().map(id -> Bucket.of(id).index()).collect(Collectors.toSet())).hasSize(buckets);
    Map<String, Long> admissionsPerShopper = attempts.stream().filter(a -> a.status() == 202)
        .collect(Collectors.groupingBy(ShopperRush.Attempt::user, Collectors.counting()));
    assertThat(admissionsPerShopper.values()).allMatch(n -> n == 1);
    assertThat(ShopperRush.statusCounts(attempts).keySet()).isSubsetOf(202, 200, 409);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(rows.statuses(saleId)).hasSize(64).containsOnlyKeys(admitted));
    assertThat(Bucket.all(saleId, buckets).stream().map(b -> redis.get(b.stock()))).allMatch("0"::equals);
    assertInvariants(saleId, admitted);
  }

  @Test
  void aSecondBuyBySameShopperAnswersTheFirstOrderAndChangesNothing() throws Exception {
    long saleId = services.createOpenSale(5);
    String first = new JsonObject(services.buy(saleId, "dup").body()).getString("orderId");

    HttpResponse<String> again = services.buy(saleId, "dup");

    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("orderId")).isEqualTo(first);
    assertThat(new JsonObject(again.body()).getBoolean("duplicate")).isTrue();
    assertThat(redis.get(Bucket.root(saleId).stock())).isEqualTo("4");
    awaitStatus("dup", first, "PENDING_PAYMENT");
    assertThat(rows.statuses(saleId)).containsOnlyKeys(first);
    assertInvariants(saleId, List.of(first));
  }

  @Test
  void aShopperCancelThroughTheGatewayReturnsTheStockOnce() throws Exception {
    long saleId = services.createOpenSale(3);
    String orderId = new JsonObject(services.buy(saleId, "canceller").body()).getString("orderId");
    awaitStatus("canceller", orderId, "PENDING_PAYMENT");

    HttpResponse<String> cancelled = services.cancel("canceller", orderId);
    HttpResponse<String> again = services.cancel("canceller", orderId);

    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(new JsonObject(cancelled.body()).getString("status")).isEqualTo("CANCELLED");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(redis.get(Bucket.root(saleId).stock())).isEqualTo("3"));
    assertThat(rows.remaining(saleId)).isEqualTo(3);
    assertThat(redis.smembers(Bucket.root(saleId).returned())).containsExactly(orderId);
    assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aSignedPaymentCallbackMovesTheOrderToPaid() throws Exception {
    long saleId = services.createOpenSale(3);
    String orderId = new JsonObject(services.buy(saleId, "payer").body()).getString("orderId");
    awaitStatus("payer", orderId, "PENDING_PAYMENT");

    HttpResponse<String> paid = services.paymentCallback("pay-" + orderId.substring(orderId.length() - 10), orderId, 19900);

    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    assertThat(new JsonObject(paid.body()).getString("orderStatus")).isEqualTo("PAID");
    awaitStatus("payer", orderId, "PAID");
    assertThat(rows.statuses(saleId)).containsExactlyEntriesOf(Map.of(orderId, "PAID"));
    assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aRestockBroadcastThroughTheClusterClearsTheGatewaysSoldOutFlag() throws Exception {
    long saleId = services.createOpenSale(1);
    String orderId = new JsonObject(services.buy(saleId, "first").body()).getString("orderId");
    assertThat(services.buy(saleId, "second").statusCode()).isEqualTo(409);
    awaitStatus("first", orderId, "PENDING_PAYMENT");

    assertThat(services.cancel("first", orderId).statusCode()).isEqualTo(200);

    // The flag lives 10 minutes here: only the broadcast (stock-service PUBLISH on some node ->
    // the gateway's subscription on some node) lets "second" through.
    List<String> admitted = new ArrayList<>(List.of(orderId));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpResponse<String> retry = services.buy(saleId, "second");
      assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
      admitted.add(new JsonObject(retry.body()).getString("orderId"));
    });
    awaitStatus("second", admitted.get(1), "PENDING_PAYMENT");
    assertInvariants(saleId, admitted);
  }

  @Test
  void reconcileHealsStockDriftAndReleasesAnOrphanedReservationInTheCluster() throws Exception {
    long saleId = services.createOpenSale(10);
    String orderId = new JsonObject(services.buy(saleId, "settled").body()).getString("orderId");
    awaitStatus("settled", orderId, "PENDING_PAYMENT");
    // A reservation that never reached Kafka (the gateway died between Redis and Kafka), an hour old.
    String orphan = saleId + "-01ORPHANORPHANORPHANORPHAN";
    redis.decr(Bucket.root(saleId).stock());
    redis.hset(Bucket.root(saleId).buyers(), "ghost", orphan);
    redis.zadd(Bucket.root(saleId).pending(), System.currentTimeMillis() - 3_600_000, orphan);
    redis.hset(RedisKeys.order(orphan), Map.of("userId", "ghost", "quantity", "1", "status", "QUEUED"));

    JsonObject first = new JsonObject(services.admin("/admin/v1/sales/" + saleId + "/reconcile", null).body());
    // Then plain drift: Redis lost two units it should have.
    redis.set(Bucket.root(saleId).stock(), "7");
    JsonObject second = new JsonObject(services.admin("/admin/v1/sales/" + saleId + "/reconcile", null).body());

    assertThat(first.getJsonArray("orphansReleased").getList()).containsExactly(orphan);
    assertThat(redis.hget(RedisKeys.order(orphan), "status")).isEqualTo("FAILED");
    assertThat(second.getLong("driftBefore")).isEqualTo(-2);
    assertThat(second.getJsonObject("stockHealed").getLong("to")).isEqualTo(9);
    assertThat(second.getLong("drift")).isZero();
    assertThat(redis.get(Bucket.root(saleId).stock())).isEqualTo("9");
    assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void salesWhoseHashTagsLandOnDifferentNodesAllSellThroughTheSameServices() throws Exception {
    Map<Integer, Long> saleOnNode = new java.util.HashMap<>();
    for (int i = 0; i < 30 && saleOnNode.size() < cluster.ports().size(); i++) {
      long saleId = services.createOpenSale(2);
      saleOnNode.putIfAbsent(cluster.portOfKey(Bucket.root(saleId).stock()), saleId);
    }
    assertThat(saleOnNode.keySet()).as("primaries holding a sale").hasSize(3);

    Map<Long, String> orders = new java.util.HashMap<>();
    for (long saleId : saleOnNode.values()) {
      HttpResponse<String> bought = services.buy(saleId, "spread");
      assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
      orders.put(saleId, new JsonObject(bought.body()).getString("orderId"));
    }

    for (Map.Entry<Long, String> order : orders.entrySet()) {
      awaitStatus("spread", order.getValue(), "PENDING_PAYMENT");
      // Every key of the sale, the order's status hash included, sits on the one node of its tag.
      Set<Integer> nodes = new HashSet<>();
      for (String key : List.of(Bucket.root(order.getKey()).stock(), Bucket.root(order.getKey()).meta(),
          Bucket.root(order.getKey()).buyers(), RedisKeys.order(order.getValue()))) {
        nodes.add(cluster.portOfKey(key));
      }
      assertThat(nodes).hasSize(1);
      assertInvariants(order.getKey(), List.of(order.getValue()));
    }
  }

  @Test
  void theScriptsPreloadedAtStartAreOnEveryPrimarySoEvalshaWorksWhicheverNodeHoldsTheSale() {
    for (int port : cluster.ports()) {
      try (Jedis node = new Jedis("127.0.0.1", port)) {
        assertThat(node.scriptExists(SeckillScripts.RESERVE.sha(), SeckillScripts.RELEASE.sha(),
            SeckillScripts.PERSISTED.sha(), SeckillScripts.RETURN.sha())).as("node %d", port).containsOnly(true);
      }
    }
  }

  private static void awaitStatus(String user, String orderId, String status) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> read = services.order(user, orderId);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(new JsonObject(read.body()).getString("status")).isEqualTo(status);
    });
  }

  private static void assertInvariants(long saleId, Collection<String> acknowledged) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      Invariants.Report report = Invariants.checkCluster(services.pgUrl(), cluster.nodeUrls(), saleId, acknowledged);
      assertThat(report.holds()).as(report.toString()).isTrue();
      assertThat(report.inFlight()).as(report.toString()).isZero();
    });
  }
}
