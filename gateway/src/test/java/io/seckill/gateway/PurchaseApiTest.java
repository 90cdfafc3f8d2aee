package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.gateway.admission.PurchaseRequest;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The purchase half of the gateway contract, row by row, against real Redis, Kafka and PostgreSQL. */
class PurchaseApiTest {
  private static GatewayHarness gw;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness(Map.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(response).getString("code")).isEqualTo(code);
  }

  private static String orders(long saleId) {
    return "/api/v1/sales/" + saleId + "/orders";
  }

  @Test
  void openSaleIsShownWithItsStockAndIsoTimesWithoutAuthentication() {
    long saleId = gw.seedOpenSale(7, 2);
    HttpResponse<String> response = gw.get("/api/v1/sales/" + saleId, null);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject sale = json(response);
    assertThat(sale.getLong("saleId")).isEqualTo(saleId);
    assertThat(sale.getString("itemName")).isEqualTo("Test item");
    assertThat(sale.getLong("priceCents")).isEqualTo(1999);
    assertThat(sale.getString("state")).isEqualTo("OPEN");
    assertThat(sale.getLong("remaining")).isEqualTo(7);
    assertThat(sale.getString("startsAt")).endsWith("Z");
    assertThat(sale.getString("serverTime")).endsWith("Z");
  }

  @Test
  void saleStatesAreUpcomingEndedAndSoldOut() {
    long now = System.currentTimeMillis();
    long upcoming = gw.seedSale(5, 1, false, now + 3_600_000, now + 7_200_000);
    long ended = gw.seedSale(5, 1, false, now - 7_200_000, now - 3_600_000);
    long soldOut = gw.seedOpenSale(0, 1);
    assertThat(json(gw.get("/api/v1/sales/" + upcoming, null)).getString("state")).isEqualTo("UPCOMING");
    assertThat(json(gw.get("/api/v1/sales/" + ended, null)).getString("state")).isEqualTo("ENDED");
    JsonObject sold = json(gw.get("/api/v1/sales/" + soldOut, null));
    assertThat(sold.getString("state")).isEqualTo("SOLD_OUT");
    assertThat(sold.getLong("remaining")).isZero();
  }

  @Test
  void unknownSaleIs404AndMalformedSaleIdIs400() {
    assertProblem(gw.get("/api/v1/sales/999999999999999", null), 404, "SALE_NOT_FOUND");
    assertProblem(gw.get("/api/v1/sales/abc", null), 400, "INVALID_REQUEST");
    assertProblem(gw.get("/api/v1/sales/-5", null), 400, "INVALID_REQUEST");
    assertProblem(gw.get("/api/v1/sales/99999999999999999999", null), 400, "INVALID_REQUEST");
    assertProblem(gw.postJson(orders(999999999999998L), "u1", "{\"quantity\":1}"), 404, "SALE_NOT_FOUND");
  }

  @Test
  void admittedPurchaseAnswers202WithLocationAndReachesKafkaWithTheRequestId() {
    long saleId = gw.seedOpenSale(10, 2);
    HttpResponse<String> response = gw.postJson(orders(saleId), "alice", "{\"quantity\":2}", "X-Request-Id", "req-alice-1");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonObject body = json(response);
    String orderId = body.getString("orderId");
    assertThat(body.getString("status")).isEqualTo("QUEUED");
    assertThat(body.getLong("saleId")).isEqualTo(saleId);
    assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/orders/" + orderId);
    assertThat(gw.redisStock(saleId)).isEqualTo(8);
    OrderMessage message = gw.orderMessages(ms -> ms.stream().anyMatch(m -> m.orderId().equals(orderId))).stream()
        .filter(m -> m.orderId().equals(orderId)).findFirst().orElseThrow();
    assertThat(message.userId()).isEqualTo("alice");
    assertThat(message.quantity()).isEqualTo(2);
    assertThat(message.requestId()).isEqualTo("req-alice-1");

    HttpResponse<String> status = gw.get("/api/v1/orders/" + orderId, "alice");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(json(status).getString("status")).isEqualTo("QUEUED");
    assertThat(json(status).getInteger("quantity")).isEqualTo(2);
  }

  @Test
  void shopperWhoAlreadyHoldsAnOrderGets200DuplicateAndNothingChanges() {
    long saleId = gw.seedOpenSale(10, 1);
    String first = json(gw.postJson(orders(saleId), "bob", "{\"quantity\":1}")).getString("orderId");
    HttpResponse<String> again = gw.postJson(orders(saleId), "bob", "{\"quantity\":1}", "Idempotency-Key", "other-key");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).getString("orderId")).isEqualTo(first);
    assertThat(json(again).getBoolean("duplicate")).isTrue();
    assertThat(gw.redisStock(saleId)).isEqualTo(9);
  }

  @Test
  void malformedBodiesAre400AndChangeNothing() {
    long saleId = gw.seedOpenSale(10, 5);
    for (String body : new String[] {"{", "[]", "{\"quantity\":1,\"extra\":true}", "{\"quantity\":\"1\"}",
        "{\"quantity\":0}", "{\"quantity\":-1}", "{\"quantity\":1.5}", "{\"quantity\":99999999999999999999}",
        "{\"quantity\":1000000}", "{}", "{\"quantity\":1,\"token\":5}", ""}) {
      assertProblem(gw.postJson(orders(saleId), "carol", body), 400, "INVALID_REQUEST");
    }
    assertThat(gw.redisStock(saleId)).isEqualTo(10);
  }

  @Test
  void quantityOverThePerUserLimitIs422() {
    long saleId = gw.seedOpenSale(10, 2);
    assertProblem(gw.postJson(orders(saleId), "dave", "{\"quantity\":3}"), 422, "LIMIT_EXCEEDED");
    assertThat(gw.redisStock(saleId)).isEqualTo(10);
  }

  @Test
  void saleNotStartedOrEndedIs409() {
    long now = System.currentTimeMillis();
    long upcoming = gw.seedSale(5, 1, false, now + 3_600_000, now + 7_200_000);
    long ended = gw.seedSale(5, 1, false, now - 7_200_000, now - 3_600_000);
    assertProblem(gw.postJson(orders(upcoming), "erin", "{\"quantity\":1}"), 409, "SALE_NOT_STARTED");
    assertProblem(gw.postJson(orders(ended), "erin", "{\"quantity\":1}"), 409, "SALE_ENDED");
    assertProblem(gw.postJson("/api/v1/sales/" + upcoming + "/purchase-tokens", "erin", null), 409, "SALE_NOT_STARTED");
    assertProblem(gw.postJson("/api/v1/sales/" + ended + "/purchase-tokens", "erin", null), 409, "SALE_ENDED");
  }

  @Test
  void soldOutIs409() {
    long saleId = gw.seedOpenSale(1, 1);
    assertThat(gw.postJson(orders(saleId), "frank", "{\"quantity\":1}").statusCode()).isEqualTo(202);
    assertProblem(gw.postJson(orders(saleId), "grace", "{\"quantity\":1}"), 409, "SOLD_OUT");
  }

  @Test
  void tokenSaleNeedsTheShoppersOwnOneTimeToken() {
    long now = System.currentTimeMillis();
    long saleId = gw.seedSale(10, 1, true, now - 60_000, now + 3_600_000);
    assertProblem(gw.postJson(orders(saleId), "heidi", "{\"quantity\":1}"), 403, "INVALID_PURCHASE_TOKEN");
    assertProblem(gw.postJson(orders(saleId), "heidi", "{\"quantity\":1,\"token\":\"forged\"}"), 403, "INVALID_PURCHASE_TOKEN");
    HttpResponse<String> issued = gw.postJson("/api/v1/sales/" + saleId + "/purchase-tokens", "heidi", null);
    assertThat(issued.statusCode()).isEqualTo(201);
    String token = json(issued).getString("token");
    assertThat(Base64.getUrlDecoder().decode(token)).hasSize(16);
    assertThat(json(issued).getString("expiresAt")).endsWith("Z");
    try (Jedis redis = gw.jedis()) {
      assertThat(redis.get(Bucket.root(saleId).token(token))).isEqualTo("heidi");
      assertThat(redis.ttl(Bucket.root(saleId).token(token))).isBetween(1L, 120L);
    }
    String body = "{\"quantity\":1,\"token\":\"" + token + "\"}";
    assertProblem(gw.postJson(orders(saleId), "ivan", body), 403, "INVALID_PURCHASE_TOKEN");
    assertThat(gw.postJson(orders(saleId), "heidi", body).statusCode()).isEqualTo(202);
    assertThat(gw.redisStock(saleId)).isEqualTo(9);
  }

  @Test
  void everyShopperCallWithoutAValidJwtIs401() {
    long saleId = gw.seedOpenSale(10, 1);
    String path = orders(saleId);
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"sub\":\"mallory\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}").getBytes(StandardCharsets.UTF_8));
    String algNone = header + "." + claims + ".";
    String wrongKey = new io.seckill.common.auth.Jwt("another-secret-0123456789-abcdefghijkl").mint("mallory", 600);
    String expired = GatewayHarness.JWT.mint("mallory", -60); // past the 30 s leeway
    String tooLong = GatewayHarness.JWT.mint("mallory", 3601); // over SECKILL_JWT_MAX_LIFETIME_S
    for (String bearer : new String[] {null, "garbage", algNone, wrongKey, expired, tooLong}) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url(path)))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"));
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      assertProblem(gw.send(b.build()), 401, "UNAUTHENTICATED");
    }
    assertProblem(gw.get("/api/v1/orders/" + saleId + "-01ARZ3NDEKTSV4RRFFQ69G5FAV", null), 401, "UNAUTHENTICATED");
    assertThat(gw.redisStock(saleId)).isEqualTo(10);
  }

  @Test
  void oversizedBodyIs413AndNonJsonIs415() {
    long saleId = gw.seedOpenSale(10, 1);
    String big = "{\"quantity\":1,\"token\":\"" + "a".repeat(5000) + "\"}";
    assertProblem(gw.postJson(orders(saleId), "judy", big), 413, "PAYLOAD_TOO_LARGE");
    assertProblem(gw.postJson(orders(saleId), "judy", "quantity=1", "Content-Type", "application/x-www-form-urlencoded"),
        415, "UNSUPPORTED_MEDIA_TYPE");
    assertProblem(gw.postJson(orders(saleId), "judy", "{\"quantity\":1}", "Content-Type", "text/plain"),
        415, "UNSUPPORTED_MEDIA_TYPE");
    assertThat(gw.postJson(orders(saleId), "judy", "{\"quantity\":1}", "Content-Type", "application/json; charset=utf-8")
        .statusCode()).isEqualTo(202);
  }

  @Test
  void sameIdempotencyKeyAndBodyReplaysTheFirstAnswer() {
    long saleId = gw.seedOpenSale(10, 2);
    HttpResponse<String> first = gw.postJson(orders(saleId), "kim", "{\"quantity\":1}", "Idempotency-Key", "k-1");
    HttpResponse<String> replay = gw.postJson(orders(saleId), "kim", "{ \"quantity\" : 1 }", "Idempotency-Key", "k-1");
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(replay.statusCode()).isEqualTo(202);
    assertThat(json(replay)).isEqualTo(json(first));
    assertThat(replay.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
    assertThat(gw.redisStock(saleId)).isEqualTo(9);
    try (Jedis redis = gw.jedis()) {
      long ttl = redis.ttl(RedisKeys.idempotency(saleId, "kim", "k-1"));
      assertThat(ttl).isBetween(86_000L, 86_400L);
    }
  }

  @Test
  void sameIdempotencyKeyWithAnotherBodyIs422() {
    long saleId = gw.seedOpenSale(10, 2);
    assertThat(gw.postJson(orders(saleId), "lee", "{\"quantity\":1}", "Idempotency-Key", "k-2").statusCode()).isEqualTo(202);
    assertProblem(gw.postJson(orders(saleId), "lee", "{\"quantity\":2}", "Idempotency-Key", "k-2"), 422,
        "IDEMPOTENCY_KEY_REUSED");
  }

  @Test
  void secondRequestWhileTheFirstWithTheKeyIsInFlightIs409() {
    long saleId = gw.seedOpenSale(10, 2);
    String fingerprint = new PurchaseRequest(1, null).fingerprint();
    try (Jedis redis = gw.jedis()) {
      // The marker the first request leaves while it waits for Redis and Kafka.
      redis.setex(RedisKeys.idempotency(saleId, "mia", "k-3"), 30,
          new JsonObject().put("fp", fingerprint).put("state", "IN_PROGRESS").encode());
    }
    assertProblem(gw.postJson(orders(saleId), "mia", "{\"quantity\":1}", "Idempotency-Key", "k-3"), 409,
        "REQUEST_IN_PROGRESS");
    assertThat(gw.redisStock(saleId)).isEqualTo(10);
  }

  @Test
  void aRetryTakesOverTheMarkerOfARequestAlreadyAnsweredButStillWaitsForOneInItsDeadline() {
    long saleId = gw.seedOpenSale(10, 2);
    String fingerprint = new PurchaseRequest(1, null).fingerprint();
    long now = System.currentTimeMillis();
    try (Jedis redis = gw.jedis()) {
      // The marker of a request answered 503 whose SET NX timed out on the client and ran once Redis resumed.
      redis.setex(RedisKeys.idempotency(saleId, "ned", "k-4"), 30, new JsonObject().put("fp", fingerprint)
          .put("state", "IN_PROGRESS").put("answeredBy", now - 5_000).encode());
      // A request still inside its deadline.
      redis.setex(RedisKeys.idempotency(saleId, "ola", "k-5"), 30, new JsonObject().put("fp", fingerprint)
          .put("state", "IN_PROGRESS").put("answeredBy", now + 60_000).encode());
    }

    HttpResponse<String> taken = gw.postJson(orders(saleId), "ned", "{\"quantity\":1}", "Idempotency-Key", "k-4");
    HttpResponse<String> waiting = gw.postJson(orders(saleId), "ola", "{\"quantity\":1}", "Idempotency-Key", "k-5");

    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(202);
    assertProblem(waiting, 409, "REQUEST_IN_PROGRESS");
    HttpResponse<String> replay = gw.postJson(orders(saleId), "ned", "{\"quantity\":1}", "Idempotency-Key", "k-4");
    assertThat(json(replay)).isEqualTo(json(taken));
    assertThat(gw.redisStock(saleId)).isEqualTo(9);
  }

  @Test
  void malformedIdempotencyKeyIs400() {
    long saleId = gw.seedOpenSale(10, 2);
    assertProblem(gw.postJson(orders(saleId), "nia", "{\"quantity\":1}", "Idempotency-Key", "has space"), 400, "INVALID_REQUEST");
    assertProblem(gw.postJson(orders(saleId), "nia", "{\"quantity\":1}", "Idempotency-Key", "k".repeat(65)), 400,
        "INVALID_REQUEST");
  }

  @Test
  void purchaseAfterSellOutIsAnsweredWithoutAnyRedisCall() {
    try (GatewayHarness own = new GatewayHarness(Map.of("SECKILL_SOLD_OUT_TTL_MS", "60000"))) {
      long saleId = own.seedOpenSale(1, 1);
      assertThat(own.postJson(orders(saleId), "oscar", "{\"quantity\":1}").statusCode()).isEqualTo(202);
      assertProblem(own.postJson(orders(saleId), "pat", "{\"quantity\":1}"), 409, "SOLD_OUT");
      // Once the sold-out sale's buyers are in memory, losers cost no Redis call at all.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
        double probe = own.metrics().redisCalls();
        assertProblem(own.postJson(orders(saleId), "probe", "{\"quantity\":1}"), 409, "SOLD_OUT");
        assertThat(own.metrics().redisCalls()).isEqualTo(probe);
      });
      double before = own.metrics().redisCalls();
      for (int i = 0; i < 20; i++) {
        assertProblem(own.postJson(orders(saleId), "late-" + i, "{\"quantity\":1}"), 409, "SOLD_OUT");
      }
      assertThat(json(own.get("/api/v1/sales/" + saleId, null)).getString("state")).isEqualTo("SOLD_OUT");
      assertThat(own.metrics().redisCalls()).isEqualTo(before);
    }
  }

  @Test
  void aBuyerAskingAgainAfterSellOutGetsTheExistingOrderNotSoldOut() {
    try (GatewayHarness own = new GatewayHarness(Map.of("SECKILL_SOLD_OUT_TTL_MS", "60000"))) {
      long saleId = own.seedOpenSale(1, 1);
      HttpResponse<String> first = own.postJson(orders(saleId), "ursula", "{\"quantity\":1}");
      assertThat(first.statusCode()).isEqualTo(202);
      String orderId = json(first).getString("orderId");
      assertProblem(own.postJson(orders(saleId), "victor", "{\"quantity\":1}"), 409, "SOLD_OUT");
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> again = own.postJson(orders(saleId), "ursula", "{\"quantity\":1}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).getString("orderId")).isEqualTo(orderId);
        assertThat(json(again).getBoolean("duplicate")).isTrue();
      }
    }
  }

  @Test
  void restockBroadcastClearsTheSoldOutFlag() {
    try (GatewayHarness own = new GatewayHarness(Map.of("SECKILL_SOLD_OUT_TTL_MS", "60000"))) {
      long saleId = own.seedOpenSale(0, 1);
      assertProblem(own.postJson(orders(saleId), "quinn", "{\"quantity\":1}"), 409, "SOLD_OUT");
      try (Jedis redis = own.jedis()) {
        redis.set(Bucket.root(saleId).stock(), "1");
        redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId));
      }
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(own.postJson(orders(saleId), "quinn", "{\"quantity\":1}").statusCode()).isEqualTo(202));
    }
  }

  @Test
  void rateLimitedShopperGets429WithRetryAfter() {
    try (GatewayHarness own = new GatewayHarness(Map.of("SECKILL_RATE_USER_PER_S", "1", "SECKILL_RATE_USER_BURST", "3"))) {
      long saleId = own.seedOpenSale(10, 1);
      HttpResponse<String> last = null;
      for (int i = 0; i < 6; i++) {
        last = own.postJson(orders(saleId), "rita", "{\"quantity\":1}");
      }
      assertProblem(last, 429, "RATE_LIMITED");
      assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
      assertThat(own.postJson(orders(saleId), "sam", "{\"quantity\":1}").statusCode()).isEqualTo(202);
    }
  }

  @Test
  void theManagementPortServesReadinessWhileDependenciesAnswerAndMetrics() {
    HttpResponse<String> ready = gw.management("/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(json(ready).getJsonObject("checks").fieldNames()).containsExactlyInAnyOrder("redis", "kafka", "postgres", "warm-up");
    assertThat(gw.management("/health/live").statusCode()).isEqualTo(200);
    long saleId = gw.seedOpenSale(1, 1);
    gw.postJson(orders(saleId), "tom", "{\"quantity\":1}");
    assertThat(gw.management("/metrics").body()).contains("seckill_purchase_attempts_total").contains("outcome=\"admitted\"");
  }

  @Test
  void theShopperPortAnswers404ProblemJsonForMetricsAndHealth() {
    assertThat(gw.service.managementPort()).isPositive().isNotEqualTo(gw.service.httpPort());
    for (String path : List.of("/metrics", "/health/ready", "/health/live")) {
      HttpResponse<String> answer = gw.get(path, null);
      assertProblem(answer, 404, "NOT_FOUND");
      assertThat(answer.body()).as(path).doesNotContain("jvm_", "checks");
    }
  }
}
