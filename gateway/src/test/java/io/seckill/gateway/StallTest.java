package io.seckill.gateway;

import io.seckill.infra.FaultProxy;
import io.seckill.infra.StoppableRedis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.infra.LocalInfra;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Issue #16 "Stalls": while Redis (SIGSTOP) and PostgreSQL (a black-holed {@link FaultProxy}) stop answering, the
 * gateway's order read, cancel and purchase each answer within the request deadline, with the code that tells the
 * truth (a cancel or purchase may already have happened: 504 OUTCOME_UNKNOWN); once both resume, they work again.
 */
class StallTest {
  private static final int REQUEST_TIMEOUT_MS = 2000;
  /** Generous: a 2-core machine shared with other builds. */
  private static final Duration BOUND = Duration.ofMillis(REQUEST_TIMEOUT_MS + 1500);

  private static StoppableRedis redis;
  private static FaultProxy postgres;
  private static FakeStockService stockService;
  private static GatewayHarness gw;

  @BeforeAll
  static void start() throws Exception {
    redis = new StoppableRedis();
    String pg = LocalInfra.shared().createSeckillDatabase("gateway_stall");
    postgres = FaultProxy.inFrontOf("postgres", pg);
    String proxied = postgres.route(pg);
    stockService = new FakeStockService();
    gw = new GatewayHarness(Map.of("SECKILL_REDIS_URL", redis.url(), "SECKILL_PG_URL", proxied,
        "SECKILL_STOCK_SERVICE_URL", stockService.url(), "SECKILL_REQUEST_TIMEOUT_MS", Integer.toString(REQUEST_TIMEOUT_MS),
        // The gateway's own Redis bound above the deadline: a stalled purchase is answered by the deadline.
        "SECKILL_REDIS_TIMEOUT_MS", "5000", "SECKILL_META_CACHE_TTL_MS", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    redis.resume();
    postgres.pass();
    gw.close();
    stockService.close();
    postgres.close();
    redis.close();
  }

  private static HttpResponse<String> timed(Supplier<HttpResponse<String>> call) {
    long start = System.nanoTime();
    HttpResponse<String> response = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("answered after %s: %s", took, response.body()).isLessThan(BOUND);
    return response;
  }

  private static String code(HttpResponse<String> response) {
    return new JsonObject(response.body()).getString("code");
  }

  /** An open sale and one PENDING_PAYMENT order of {@code user}, in the gateway's own Redis. */
  private static String seed(long saleId, String user) {
    long now = System.currentTimeMillis();
    String orderId = OrderIds.next(saleId);
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      jedis.hset(Bucket.root(saleId).meta(), Map.of("startsAt", Long.toString(now - 60_000), "endsAt",
          Long.toString(now + 3_600_000), "perUserLimit", "1", "requireToken", "0", "priceCents", "1999",
          "itemName", "Test item", "paymentTimeoutS", "600"));
      jedis.set(Bucket.root(saleId).stock(), "10");
      jedis.hset(RedisKeys.order(orderId), Map.of("userId", user, "quantity", "1", "status", "PENDING_PAYMENT"));
    }
    return orderId;
  }

  @Test
  void whileRedisAndPostgresStallReadsAnswerUnavailableAndCancelsAndPurchasesOutcomeUnknownThenAllWorkAgain() {
    long saleId = LocalInfra.uniqueSaleIdBase();
    String orderId = seed(saleId, "ann");

    redis.stop();
    postgres.blackHole();
    HttpResponse<String> read;
    HttpResponse<String> cancel;
    HttpResponse<String> purchase;
    List<FakeStockService.Call> cancelsDuringTheStall;
    try {
      read = timed(() -> gw.get("/api/v1/orders/" + orderId, "ann"));
      cancel = timed(() -> gw.postJson("/api/v1/orders/" + orderId + "/cancel", "ann", null));
      purchase = timed(() -> gw.postJson("/api/v1/sales/" + saleId + "/orders", "bob", "{\"quantity\":1}"));
      // Read before the resume: once Redis answers, the cancel's pending order read may complete and hand the
      // cancel over late, which its 504 OUTCOME_UNKNOWN allows.
      cancelsDuringTheStall = List.copyOf(stockService.calls);
    } finally {
      redis.resume();
      postgres.pass();
    }

    assertThat(read.statusCode()).as(read.body()).isEqualTo(503);
    assertThat(code(read)).isEqualTo("UNAVAILABLE");
    assertThat(read.headers().firstValue("Retry-After")).isPresent();
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(504);
    assertThat(code(cancel)).isEqualTo("OUTCOME_UNKNOWN");
    assertThat(purchase.statusCode()).as(purchase.body()).isEqualTo(504);
    assertThat(code(purchase)).isEqualTo("OUTCOME_UNKNOWN");
    assertThat(new JsonObject(purchase.body()).getString("detail")).contains("may or may not", "retrying the purchase is safe");
    assertThat(purchase.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(cancelsDuringTheStall).as("no cancel reached stock-service while the order could not be read").isEmpty();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      HttpResponse<String> again = gw.get("/api/v1/orders/" + orderId, "ann");
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    });
    HttpResponse<String> bought = gw.postJson("/api/v1/sales/" + saleId + "/orders", "bob", "{\"quantity\":1}");
    assertThat(bought.statusCode()).as(bought.body()).isIn(200, 202);
  }

  @Test
  void whilePostgresStallsAnOrderMissingFromTheRedisCacheAnswersUnavailableInTime() {
    long saleId = LocalInfra.uniqueSaleIdBase();
    String cached = seed(saleId, "eve");
    String uncached = OrderIds.next(saleId);

    postgres.blackHole();
    HttpResponse<String> read;
    HttpResponse<String> fromCache;
    try {
      read = timed(() -> gw.get("/api/v1/orders/" + uncached, "eve"));
      fromCache = timed(() -> gw.get("/api/v1/orders/" + cached, "eve"));
    } finally {
      postgres.pass();
    }

    assertThat(read.statusCode()).as(read.body()).isEqualTo(503);
    assertThat(code(read)).isEqualTo("UNAVAILABLE");
    assertThat(fromCache.statusCode()).as("the Redis copy still answers: %s", fromCache.body()).isEqualTo(200);
  }
}
