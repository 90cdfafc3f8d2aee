package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The operator's pause, end and blocklist as the gateway obeys them: from its cached meta when it knows, and from
 * reserve.lua when its cache is stale (the state is written into Redis before stock-service answers the operator).
 */
class OperatorStateTest {
  private static GatewayHarness gw;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness(Map.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("code")).isEqualTo(code);
  }

  private static String orders(long saleId) {
    return "/api/v1/sales/" + saleId + "/orders";
  }

  @Test
  void aPauseWrittenToRedisIsObeyedByReserveLuaEvenWithAStaleCachedMetaAndShownOnceBroadcast() {
    long saleId = gw.seedOpenSale(10, 1);
    // The gateway caches the meta (not paused).
    assertThat(new JsonObject(gw.get("/api/v1/sales/" + saleId, null).body()).getString("state")).isEqualTo("OPEN");
    try (Jedis redis = gw.jedis()) {
      redis.hset(Bucket.root(saleId).meta(), "paused", "1");
    }

    assertProblem(gw.postJson(orders(saleId), "ann", "{\"quantity\":1}"), 409, "SALE_PAUSED");
    assertThat(gw.redisStock(saleId)).isEqualTo(10);

    try (Jedis redis = gw.jedis()) {
      redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId));
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(1)).until(() ->
        "PAUSED".equals(new JsonObject(gw.get("/api/v1/sales/" + saleId, null).body()).getString("state")));
    assertProblem(gw.postJson("/api/v1/sales/" + saleId + "/purchase-tokens", "ann", null), 409, "SALE_PAUSED");

    try (Jedis redis = gw.jedis()) {
      redis.hset(Bucket.root(saleId).meta(), "paused", "0");
      redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId));
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(1)).until(() ->
        gw.postJson(orders(saleId), "ann", "{\"quantity\":1}").statusCode() == 202);
  }

  @Test
  void anEndWrittenToRedisIsObeyedByReserveLuaEvenWithAStaleCachedMeta() {
    long saleId = gw.seedOpenSale(10, 1);
    assertThat(new JsonObject(gw.get("/api/v1/sales/" + saleId, null).body()).getString("state")).isEqualTo("OPEN");
    try (Jedis redis = gw.jedis()) {
      redis.hset(Bucket.root(saleId).meta(), "endsAt", Long.toString(System.currentTimeMillis() - 1));
    }

    assertProblem(gw.postJson(orders(saleId), "bea", "{\"quantity\":1}"), 409, "SALE_ENDED");
    assertThat(gw.redisStock(saleId)).isEqualTo(10);
    // The ENDED answer dropped the stale meta: the page shows the end at once.
    assertThat(new JsonObject(gw.get("/api/v1/sales/" + saleId, null).body()).getString("state")).isEqualTo("ENDED");
  }

  @Test
  void aBlockedShopperGets403FromReserveLuaAndNoPurchaseTokenWhileOthersBuy() {
    long saleId = gw.seedSale(10, 1, true, System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 3_600_000);
    try (Jedis redis = gw.jedis()) {
      redis.sadd(Bucket.root(saleId).blocked(), "mallory");
    }

    assertProblem(gw.postJson("/api/v1/sales/" + saleId + "/purchase-tokens", "mallory", null), 403, "USER_BLOCKED");
    assertProblem(gw.postJson(orders(saleId), "mallory", "{\"quantity\":1,\"token\":\"" + "A".repeat(22) + "\"}"),
        403, "USER_BLOCKED");
    HttpResponse<String> token = gw.postJson("/api/v1/sales/" + saleId + "/purchase-tokens", "trent", null);
    assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
    String t = new JsonObject(token.body()).getString("token");
    assertThat(gw.postJson(orders(saleId), "trent", "{\"quantity\":1,\"token\":\"" + t + "\"}").statusCode())
        .isEqualTo(202);
    assertThat(gw.redisStock(saleId)).isEqualTo(9);
  }

  @Test
  void aPausedAnswerIsNotReplayedForItsIdempotencyKeyOnceTheSaleResumes() {
    long saleId = gw.seedOpenSale(10, 1);
    try (Jedis redis = gw.jedis()) {
      redis.hset(Bucket.root(saleId).meta(), "paused", "1");
      redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId));
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(1)).until(() ->
        gw.postJson(orders(saleId), "kim", "{\"quantity\":1}", "Idempotency-Key", "k-1").statusCode() == 409);

    try (Jedis redis = gw.jedis()) {
      redis.hset(Bucket.root(saleId).meta(), "paused", "0");
      redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId));
    }

    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(1)).until(() ->
        gw.postJson(orders(saleId), "kim", "{\"quantity\":1}", "Idempotency-Key", "k-1").statusCode() == 202);
    assertThat(gw.redisStock(saleId)).isEqualTo(9);
  }
}
