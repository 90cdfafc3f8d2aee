package io.seckill.system;

import io.seckill.infra.stack.TestSecrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.RunningService;
import io.seckill.common.db.PgUrls;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import io.seckill.testing.SeckillSystem;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The operator controls end to end with three gateways on one Redis: a pause or an end in the middle of a rush
 * stops admissions on every gateway from the moment stock-service answers, an edit before opening is what the
 * shoppers then buy, and a blocked shopper is refused by every gateway — each followed by the invariant check.
 */
class OperatorControlsSystemTest {
  private static final int GATEWAYS = 3;
  private static final int RUSHERS = 6;
  private static SeckillSystem system;
  private static Jedis redis;

  @BeforeAll
  static void start() throws Exception {
    system = SeckillSystem.start("controls", Map.of(
        "SECKILL_RATE_IP_PER_S", "1000000", "SECKILL_RATE_IP_BURST", "1000000",
        "SECKILL_RATE_USER_PER_S", "1000000", "SECKILL_RATE_USER_BURST", "1000000",
        // A shared, loaded machine: slow answers should be slow, not 504s this suite is not about.
        "SECKILL_REQUEST_TIMEOUT_MS", "15000",
        "SECKILL_RECONCILE_INTERVAL_MS", "3600000"), 2, GATEWAYS, 1);
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

  /** One purchase answer of the rush, with when its request was sent. */
  private record Attempt(long sentAtNanos, int status, String code, String orderId) {
  }

  /** Shoppers buying on every gateway in turn, each a new shopper, until stopped. */
  private static final class Rush implements AutoCloseable {
    final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService pool = Executors.newFixedThreadPool(RUSHERS);
    private final AtomicInteger next = new AtomicInteger();

    Rush(long saleId) {
      for (int t = 0; t < RUSHERS; t++) {
        pool.submit(() -> {
          while (running.get()) {
            int n = next.getAndIncrement();
            RunningService gateway = system.gateways().get(n % GATEWAYS);
            long sent = System.nanoTime();
            try {
              HttpResponse<String> answer = system.buy(gateway, saleId, "rush-" + saleId + "-" + n);
              JsonObject body = answer.body().isEmpty() ? new JsonObject() : new JsonObject(answer.body());
              attempts.add(new Attempt(sent, answer.statusCode(), body.getString("code"), body.getString("orderId")));
            } catch (Exception e) {
              attempts.add(new Attempt(sent, -1, e.toString(), null));
            }
          }
          return null;
        });
      }
    }

    long admitted() {
      return attempts.stream().filter(a -> a.status() == 202).count();
    }

    List<String> admittedOrderIds() {
      return attempts.stream().filter(a -> a.status() == 202).map(Attempt::orderId).toList();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return SeckillSystem.send(HttpRequest.newBuilder(SeckillSystem.uri(system.stock(), path))
        .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("X-Seckill-Operator", "system-test")
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static long redisStock(long saleId) {
    return Long.parseLong(redis.get(Bucket.root(saleId).stock()));
  }

  private static String pageState(RunningService gateway, long saleId) throws Exception {
    HttpResponse<String> page = SeckillSystem.send(HttpRequest.newBuilder(SeckillSystem.uri(gateway, "/api/v1/sales/" + saleId)).GET());
    return new JsonObject(page.body()).getString("state");
  }

  private static void awaitPageState(long saleId, String state) {
    // The broadcast reaches every gateway within a second (the bound), load permitting.
    for (RunningService gateway : system.gateways()) {
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() -> state.equals(pageState(gateway, saleId)));
    }
  }

  private static void awaitSettled(long saleId, Collection<String> acked) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Invariants.Report report = Invariants.check(system.pgUrl(), system.redisUrl(), saleId, acked);
      return report.inFlight() == 0;
    });
    Invariants.Report report = Invariants.check(system.pgUrl(), system.redisUrl(), saleId, acked);
    assertThat(report.holds()).as("%s", report).isTrue();
  }

  private static long rows(long saleId) throws Exception {
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(system.pgUrl())); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE status <> 'FAILED' AND sale_id = " + saleId)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aPauseMidRushStopsAdmissionOnEveryGatewayFromItsAnswerUntilResume() throws Exception {
    long saleId = system.createSale(100_000, 1, 300, false, 0);
    List<String> acked = new ArrayList<>();
    long pausedAt;
    long stockAtPause;
    try (Rush rush = new Rush(saleId)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> rush.admitted() >= 30);

      HttpResponse<String> paused = admin("POST", "/admin/v1/sales/" + saleId + "/pause", null);
      pausedAt = System.nanoTime();
      stockAtPause = redisStock(saleId);
      assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);

      // Let every gateway take requests sent after the answer for a while.
      await().atMost(Duration.ofSeconds(30)).until(() -> rush.attempts.stream()
          .filter(a -> a.sentAtNanos() > pausedAt).count() >= 60);
      awaitPageState(saleId, "PAUSED");
      rush.close();
      List<Attempt> after = rush.attempts.stream().filter(a -> a.sentAtNanos() > pausedAt).toList();
      assertThat(after).as("requests sent after the pause answered").isNotEmpty()
          .allSatisfy(a -> assertThat(a.code()).as("%s", a).isEqualTo("SALE_PAUSED"));
      assertThat(redisStock(saleId)).as("nothing reserved after the pause answered").isEqualTo(stockAtPause);
      acked.addAll(rush.admittedOrderIds());
    }

    assertThat(admin("POST", "/admin/v1/sales/" + saleId + "/resume", null).statusCode()).isEqualTo(200);
    awaitPageState(saleId, "OPEN");
    for (RunningService gateway : system.gateways()) {
      HttpResponse<String> bought = system.buy(gateway, saleId, "after-resume-" + gateway.httpPort());
      assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
      acked.add(new JsonObject(bought.body()).getString("orderId"));
    }
    awaitSettled(saleId, acked);
    assertThat(rows(saleId)).isEqualTo(acked.size());
  }

  @Test
  void anEndMidRushClosesTheSaleOnEveryGatewayAndKeepsTheOrdersTaken() throws Exception {
    long saleId = system.createSale(100_000, 1, 300, false, 0);
    List<String> acked;
    try (Rush rush = new Rush(saleId)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> rush.admitted() >= 30);

      HttpResponse<String> ended = admin("POST", "/admin/v1/sales/" + saleId + "/end", null);
      long endedAt = System.nanoTime();
      long stockAtEnd = redisStock(saleId);
      assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(30)).until(() -> rush.attempts.stream()
          .filter(a -> a.sentAtNanos() > endedAt).count() >= 60);
      awaitPageState(saleId, "ENDED");
      rush.close();
      assertThat(rush.attempts.stream().filter(a -> a.sentAtNanos() > endedAt))
          .allSatisfy(a -> assertThat(a.code()).as("%s", a).isEqualTo("SALE_ENDED"));
      assertThat(redisStock(saleId)).isEqualTo(stockAtEnd);
      acked = rush.admittedOrderIds();
    }
    awaitSettled(saleId, acked);
    assertThat(rows(saleId)).as("every order taken before the end stays").isEqualTo(acked.size());
  }

  @Test
  void anEditBeforeOpeningIsWhatShoppersBuyOnEveryGateway() throws Exception {
    long saleId = system.createSale(50, 1, 300, false, 1800);
    Instant opens = Instant.now().plusSeconds(4);
    JsonObject edit = new JsonObject().put("stock", 4).put("itemName", "Edited phone").put("startsAt", opens.toString());

    HttpResponse<String> edited = admin("PATCH", "/admin/v1/sales/" + saleId, edit.encode());

    assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
    for (RunningService gateway : system.gateways()) {
      await().atMost(Duration.ofSeconds(1)).until(() -> "UPCOMING".equals(pageState(gateway, saleId)));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> "OPEN".equals(pageState(system.gateways().get(0), saleId)));
    List<String> acked = new ArrayList<>();
    int soldOut = 0;
    for (int i = 0; i < 9; i++) {
      HttpResponse<String> bought = system.buy(system.gateways().get(i % GATEWAYS), saleId, "edited-" + saleId + "-" + i);
      if (bought.statusCode() == 202) {
        acked.add(new JsonObject(bought.body()).getString("orderId"));
      } else {
        assertThat(new JsonObject(bought.body()).getString("code")).as(bought.body()).isEqualTo("SOLD_OUT");
        soldOut++;
      }
    }
    assertThat(acked).as("the edited stock").hasSize(4);
    assertThat(soldOut).isEqualTo(5);
    HttpResponse<String> page = SeckillSystem.send(HttpRequest.newBuilder(
        SeckillSystem.uri(system.gateways().get(1), "/api/v1/sales/" + saleId)).GET());
    assertThat(new JsonObject(page.body()).getString("itemName")).isEqualTo("Edited phone");
    assertThat(admin("PATCH", "/admin/v1/sales/" + saleId, new JsonObject().put("stock", 100).encode()).statusCode())
        .as("an edit after opening").isEqualTo(409);
    awaitSettled(saleId, acked);
  }

  @Test
  void aBlockedShopperIsRefusedByEveryGatewayAndBuysOnceUnblocked() throws Exception {
    long saleId = system.createSale(10, 1, 300, false, 0);
    String user = "blocked-" + saleId;

    assertThat(admin("PUT", "/admin/v1/blocklist/" + user, null).statusCode()).isEqualTo(200);
    for (RunningService gateway : system.gateways()) {
      HttpResponse<String> refused = system.buy(gateway, saleId, user);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
      assertThat(new JsonObject(refused.body()).getString("code")).isEqualTo("USER_BLOCKED");
    }
    HttpResponse<String> other = system.buy(system.gateways().get(2), saleId, "not-blocked-" + saleId);
    assertThat(other.statusCode()).as(other.body()).isEqualTo(202);

    assertThat(admin("DELETE", "/admin/v1/blocklist/" + user, null).statusCode()).isEqualTo(200);
    HttpResponse<String> bought = system.buy(system.gateways().get(1), saleId, user);

    assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
    awaitSettled(saleId, List.of(new JsonObject(other.body()).getString("orderId"),
        new JsonObject(bought.body()).getString("orderId")));
  }
}
