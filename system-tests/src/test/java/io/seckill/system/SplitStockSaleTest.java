package io.seckill.system;

import io.seckill.testing.SeckillSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.db.PgUrls;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A hot sale whose Redis stock is split into buckets (stockBuckets), end to end through the real
 * services on one Redis: every unit sold once, one order per shopper whichever bucket served it,
 * retries answered with the existing order, stock returned to the bucket it came from, warm-up and
 * reconciliation rebuilding every bucket — each test followed by the invariant check.
 */
class SplitStockSaleTest {
  private static SeckillSystem system;
  private static Jedis redis;

  @BeforeAll
  static void start() throws Exception {
    system = SeckillSystem.start("split", Map.of(
        // Only the restock broadcast may clear a sold-out flag within a test's lifetime.
        "SECKILL_SOLD_OUT_TTL_MS", "600000",
        "SECKILL_RATE_IP_PER_S", "1000000", "SECKILL_RATE_IP_BURST", "1000000",
        "SECKILL_RATE_USER_PER_S", "1000000", "SECKILL_RATE_USER_BURST", "1000000",
        // Only the tests' explicit reconcile call heals Redis.
        "SECKILL_RECONCILE_INTERVAL_MS", "3600000"));
    redis = new Jedis(URI.create(system.redisUrl()));
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aRushOnASplitSaleSellsEveryUnitOnceAndEveryRetryFindsTheShoppersOrder() throws Exception {
    int units = 60;
    int buckets = 6;
    long saleId = system.createSale(units, 1, 300, false, 0, buckets);
    assertThat(bucketStocks(saleId, buckets)).containsExactly(10L, 10L, 10L, 10L, 10L, 10L);

    List<String> shoppers = IntStream.range(0, 240).mapToObj(i -> "rush-" + saleId + "-" + i).toList();
    Map<String, HttpResponse<String>> first = buyAll(saleId, shoppers);
    Map<String, String> won = new HashMap<>();
    first.forEach((user, answer) -> {
      if (answer.statusCode() == 202) {
        won.put(user, new JsonObject(answer.body()).getString("orderId"));
      } else {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
        assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("SOLD_OUT");
      }
    });
    assertThat(won).hasSize(units);
    assertThat(won.values().stream().map(id -> Bucket.of(id).index()).collect(Collectors.toSet()))
        .as("orders were taken from every bucket").hasSize(buckets);

    // Every winner asking again gets the same order back, wherever it was taken.
    Map<String, HttpResponse<String>> again = buyAll(saleId, new ArrayList<>(won.keySet()));
    again.forEach((user, answer) -> {
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(new JsonObject(answer.body()).getString("orderId")).isEqualTo(won.get(user));
    });

    awaitRows(saleId, units);
    assertThat(bucketStocks(saleId, buckets)).allMatch(stock -> stock == 0);
    assertInvariants(saleId, won.values());
  }

  @Test
  void aShopperWhoseHomeBucketIsEmptyIsServedByTheNextBucketAndKeepsThatOrderAfterHomeIsRestocked() throws Exception {
    long saleId = system.createSale(4, 1, 300, false, 0, 4);
    List<String> atHome0 = shoppersAtHome(saleId, 4, 0, 2);
    String first = atHome0.get(0);
    String second = atHome0.get(1);

    String firstOrder = orderIdOf(system.buy(saleId, first), 202);
    String secondOrder = orderIdOf(system.buy(saleId, second), 202);

    assertThat(Bucket.of(firstOrder).index()).isZero();
    assertThat(Bucket.of(secondOrder).index()).as("home bucket 0 was empty").isEqualTo(1);
    assertThat(redis.hget(Bucket.root(saleId).spilled(), second)).isEqualTo(secondOrder);
    assertThat(orderIdOf(system.buy(saleId, second), 200)).isEqualTo(secondOrder);

    // The first order is cancelled: its unit goes back to bucket 0, the second shopper's home.
    awaitStatus(first, firstOrder, "PENDING_PAYMENT");
    assertThat(system.cancel(first, firstOrder).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> bucketStocks(saleId, 4).get(0) == 1L);

    // Home has stock again, yet the retry still finds the order taken in bucket 1.
    assertThat(orderIdOf(system.buy(saleId, second), 200)).isEqualTo(secondOrder);
    awaitRows(saleId, 2);
    assertInvariants(saleId, List.of(firstOrder, secondOrder));
  }

  @Test
  void aReturnedUnitGoesBackToItsOwnBucketAndClearsTheSoldOutFlag() throws Exception {
    long saleId = system.createSale(3, 1, 300, false, 0, 3);
    Map<String, String> orders = new HashMap<>();
    for (String user : List.of("ret-a-" + saleId, "ret-b-" + saleId, "ret-c-" + saleId)) {
      orders.put(user, orderIdOf(system.buy(saleId, user), 202));
    }
    HttpResponse<String> late = system.buy(saleId, "ret-late-" + saleId);
    assertThat(late.statusCode()).as(late.body()).isEqualTo(409);

    String user = "ret-b-" + saleId;
    String orderId = orders.get(user);
    awaitStatus(user, orderId, "PENDING_PAYMENT");
    assertThat(system.cancel(user, orderId).statusCode()).isEqualTo(200);
    int bucket = Bucket.of(orderId).index();
    await().atMost(Duration.ofSeconds(20)).until(() -> bucketStocks(saleId, 3).get(bucket) == 1L);
    assertThat(bucketStocks(saleId, 3).stream().mapToLong(Long::longValue).sum()).isEqualTo(1);

    // The restock broadcast cleared the gateway's flags: the late shopper now gets the unit back.
    String lateOrder = orderIdOf(system.buy(saleId, "ret-late-" + saleId), 202);
    List<String> acked = new ArrayList<>(orders.values());
    acked.add(lateOrder);
    awaitRows(saleId, 4);
    assertInvariants(saleId, acked);
  }

  @Test
  void aForcedWarmUpRebuildsEveryBucketFromTheDatabaseAndKeepsSpilledShoppersRecognised() throws Exception {
    long saleId = system.createSale(8, 1, 300, false, 0, 4);
    List<String> atHome2 = shoppersAtHome(saleId, 4, 2, 4);
    Map<String, String> orders = new HashMap<>();
    for (String user : atHome2) {
      orders.put(user, orderIdOf(system.buy(saleId, user), 202));
    }
    assertThat(orders.values().stream().filter(id -> Bucket.of(id).index() != 2)).as("spilled past home").hasSize(2);
    awaitRows(saleId, 4);

    // Redis loses the sale (every bucket), then the operator rebuilds it from the database.
    for (Bucket b : Bucket.all(saleId, 4)) {
      redis.del(b.stock(), b.meta(), b.buyers(), b.spilled(), b.pending(), b.returned());
    }
    HttpResponse<String> warmed = system.admin("/admin/v1/sales/" + saleId + "/warmup?force=true", null);
    assertThat(warmed.statusCode()).as(warmed.body()).isEqualTo(200);
    JsonObject report = new JsonObject(warmed.body());
    assertThat(report.getLong("stock")).isEqualTo(4);
    assertThat(report.getInteger("stockBuckets")).isEqualTo(4);
    assertThat(bucketStocks(saleId, 4)).containsExactly(1L, 1L, 1L, 1L);

    // Every shopper, spilled or not, is recognised again from the home bucket alone.
    for (Map.Entry<String, String> order : orders.entrySet()) {
      assertThat(orderIdOf(system.buy(saleId, order.getKey()), 200)).isEqualTo(order.getValue());
    }
    assertInvariants(saleId, orders.values());
  }

  @Test
  void theReconcilerHealsAWrongBucketSoTheSaleAddsUpToTheDatabaseAgain() throws Exception {
    long saleId = system.createSale(12, 1, 300, false, 0, 3);
    String orderId = orderIdOf(system.buy(saleId, "heal-" + saleId), 202);
    awaitRows(saleId, 1);
    Bucket wrong = new Bucket(saleId, 2);
    redis.incrBy(wrong.stock(), 5);

    HttpResponse<String> healed = system.admin("/admin/v1/sales/" + saleId + "/reconcile", null);

    assertThat(healed.statusCode()).as(healed.body()).isEqualTo(200);
    JsonObject report = new JsonObject(healed.body());
    assertThat(report.getLong("driftBefore")).isEqualTo(5);
    assertThat(report.getLong("drift")).isZero();
    assertThat(bucketStocks(saleId, 3).stream().mapToLong(Long::longValue).sum()).isEqualTo(11);
    assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void anOrderTheDatabaseRefusesGivesItsUnitBackToItsBucketAndDropsTheHomePointer() throws Exception {
    long saleId = system.createSale(4, 1, 300, false, 0, 4);
    String shopper = shoppersAtHome(saleId, 4, 0, 1).get(0);
    String first = orderIdOf(system.buy(saleId, shopper), 202);
    assertThat(Bucket.of(first).index()).isZero();
    awaitRows(saleId, 1);

    // Redis forgets the shopper (as after a failover); home bucket 0 is empty, so the walk spills.
    redis.hdel(Bucket.root(saleId).buyers(), shopper);
    String second = orderIdOf(system.buy(saleId, shopper), 202);
    assertThat(Bucket.of(second).index()).isEqualTo(1);

    // The database's unique index refuses the second order; the consumer releases it.
    awaitStatus(shopper, second, "FAILED");
    await().atMost(Duration.ofSeconds(20)).until(() -> redis.hget(Bucket.root(saleId).spilled(), shopper) == null);
    assertThat(bucketStocks(saleId, 4)).containsExactly(0L, 1L, 1L, 1L);
    assertThat(countRows(saleId)).isEqualTo(1);
    assertInvariants(saleId, List.of(first, second));
  }

  @Test
  void aPurchaseTokenIsHonouredInWhicheverBucketServesTheShopper() throws Exception {
    long saleId = system.createSale(2, 1, 300, true, 0, 2);
    List<String> atHome0 = shoppersAtHome(saleId, 2, 0, 3);

    String first = orderIdOf(buyWithToken(saleId, atHome0.get(0), token(saleId, atHome0.get(0))), 202);
    // Home bucket 0 is empty now: the second shopper's token is checked, and spent, in bucket 1.
    String second = orderIdOf(buyWithToken(saleId, atHome0.get(1), token(saleId, atHome0.get(1))), 202);
    assertThat(Bucket.of(first).index()).isZero();
    assertThat(Bucket.of(second).index()).isEqualTo(1);

    HttpResponse<String> forged = buyWithToken(saleId, atHome0.get(2), "AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
    assertThat(new JsonObject(forged.body()).getString("code")).isEqualTo("INVALID_PURCHASE_TOKEN");
    awaitRows(saleId, 2);
    assertInvariants(saleId, List.of(first, second));
  }

  @Test
  void aBucketCountOutOfRangeIsRefusedAndCreatesNoSale() throws Exception {
    for (Object bad : List.of(0, 65, "four", 2.5)) {
      JsonObject sale = new JsonObject().put("itemName", "Bad split").put("priceCents", 100).put("stock", 10)
          .put("startsAt", "2026-01-01T00:00:00Z").put("endsAt", "2030-01-01T00:00:00Z").put("perUserLimit", 1)
          .put("paymentTimeoutSeconds", 300).put("stockBuckets", bad);
      int salesBefore = countSales();
      HttpResponse<String> refused = system.admin("/admin/v1/sales", sale.encode());
      assertThat(refused.statusCode()).as("%s: %s", bad, refused.body()).isEqualTo(400);
      JsonObject problem = new JsonObject(refused.body());
      assertThat(problem.getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(problem.getString("field")).isEqualTo("stockBuckets");
      assertThat(countSales()).isEqualTo(salesBefore);
    }
  }

  @Test
  void aShopperHeldByAPointerToAFailedOrderIsFreedByTheirNextPurchase() throws Exception {
    long saleId = system.createSale(8, 1, 300, false, 0, 4);
    String shopper = shoppersAtHome(saleId, 4, 0, 1).get(0);
    // A spilled order that failed, whose pointer clean-up (spill.lua FORGET after release.lua) was lost.
    Bucket elsewhere = new Bucket(saleId, 2);
    String failed = io.seckill.common.order.OrderIds.next(elsewhere);
    redis.hset(elsewhere.order(failed), Map.of("userId", shopper, "quantity", "1", "status", "FAILED",
        "reason", "UNAVAILABLE"));
    redis.hset(Bucket.root(saleId).spilled(), shopper, failed);

    HttpResponse<String> answer = system.buy(saleId, shopper);

    String orderId = orderIdOf(answer, 202);
    assertThat(orderId).isNotEqualTo(failed);
    assertThat(redis.hget(Bucket.root(saleId).spilled(), shopper)).as("the stale pointer").isNotEqualTo(failed);
    assertThat(orderIdOf(system.buy(saleId, shopper), 200)).as("a retry finds the new order").isEqualTo(orderId);
    awaitRows(saleId, 1);
    assertInvariants(saleId, List.of(orderId));
  }

  private static Map<String, HttpResponse<String>> buyAll(long saleId, List<String> users) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      Map<String, Future<HttpResponse<String>>> calls = new HashMap<>();
      for (String user : users) {
        calls.put(user, pool.submit(() -> system.buy(saleId, user)));
      }
      Map<String, HttpResponse<String>> answers = new ConcurrentHashMap<>();
      for (Map.Entry<String, Future<HttpResponse<String>>> call : calls.entrySet()) {
        answers.put(call.getKey(), call.getValue().get(60, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String token(long saleId, String user) throws Exception {
    HttpResponse<String> issued = SeckillSystem.send(java.net.http.HttpRequest.newBuilder(
            SeckillSystem.uri(system.gateway(), "/api/v1/sales/" + saleId + "/purchase-tokens"))
        .header("Authorization", "Bearer " + system.jwt().mint(user, 600))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    return new JsonObject(issued.body()).getString("token");
  }

  private static HttpResponse<String> buyWithToken(long saleId, String user, String token) throws Exception {
    return SeckillSystem.send(java.net.http.HttpRequest.newBuilder(
            SeckillSystem.uri(system.gateway(), "/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", "Bearer " + system.jwt().mint(user, 600)).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("quantity", 1).put("token", token).encode())));
  }

  /** {@code count} user ids whose home bucket (of {@code buckets}) is {@code home}. */
  private static List<String> shoppersAtHome(long saleId, int buckets, int home, int count) {
    List<String> users = new ArrayList<>();
    for (int i = 0; users.size() < count; i++) {
      String user = "home" + home + "-" + saleId + "-" + i;
      if (Bucket.home(saleId, user, buckets).index() == home) {
        users.add(user);
      }
    }
    return users;
  }

  private static List<Long> bucketStocks(long saleId, int buckets) {
    return Bucket.all(saleId, buckets).stream().map(b -> redis.get(b.stock()))
        .map(s -> s == null ? -1L : Long.parseLong(s)).toList();
  }

  private static String orderIdOf(HttpResponse<String> answer, int status) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    return new JsonObject(answer.body()).getString("orderId");
  }

  private static void awaitStatus(String user, String orderId, String status) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      HttpResponse<String> seen = system.order(user, orderId);
      return seen.statusCode() == 200 && status.equals(new JsonObject(seen.body()).getString("status"));
    });
  }

  private static void awaitRows(long saleId, int rows) {
    await().atMost(Duration.ofSeconds(60)).until(() -> countRows(saleId) >= rows);
    await().atMost(Duration.ofSeconds(30)).until(() -> pendingEverywhere(saleId) == 0);
  }

  private static long pendingEverywhere(long saleId) {
    return Bucket.all(saleId, 8).stream().mapToLong(b -> redis.zcard(b.pending())).sum();
  }

  private static void assertInvariants(long saleId, Collection<String> acked) {
    Invariants.Report report = Invariants.check(system.pgUrl(), system.redisUrl(), saleId, acked);
    assertThat(report.holds()).as("%s", report).isTrue();
    assertThat(report.inFlight()).isZero();
  }

  private static int countRows(long saleId) throws Exception {
    return (int) single("SELECT count(*) FROM orders WHERE sale_id = ? AND status <> 'FAILED'", saleId);
  }

  private static int countSales() throws Exception {
    return (int) single("SELECT count(*) FROM sale WHERE ? > 0", 1L);
  }

  private static long single(String sql, long arg) throws Exception {
    try (Connection db = DriverManager.getConnection(PgUrls.toJdbc(system.pgUrl()));
         PreparedStatement s = db.prepareStatement(sql)) {
      s.setLong(1, arg);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
