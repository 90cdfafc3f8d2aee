package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/** A sale PostgreSQL holds but Redis lost (restarted empty) is "not ready" (503), not "not found" (404). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisLostSaleTest {
  private GatewayHarness gw;

  @BeforeAll
  void start() {
    // A long meta cache: the warm-up's broadcast, not the cache's expiry, must end the 503s.
    gw = new GatewayHarness(Map.of("SECKILL_META_CACHE_TTL_MS", "60000"));
  }

  @AfterAll
  void stop() {
    gw.close();
  }

  @Test
  void aSaleRedisLostIsAnswered503SaleNotReadyUntilTheWarmUpBroadcastThenSellsAtOnce() {
    long saleId = gw.seedOpenSale(10, 1);
    Map<String, String> meta;
    try (Jedis redis = gw.jedis()) {
      meta = redis.hgetAll(Bucket.root(saleId).meta());
      redis.del(Bucket.root(saleId).meta(), Bucket.root(saleId).stock()); // Redis lost the sale
    }

    HttpResponse<String> buy = buy(saleId, "ann");
    HttpResponse<String> view = gw.get("/api/v1/sales/" + saleId, null);

    assertThat(buy.statusCode()).as(buy.body()).isEqualTo(503);
    assertThat(new JsonObject(buy.body()).getString("code")).isEqualTo("SALE_NOT_READY");
    assertThat(buy.headers().firstValue("Retry-After")).isPresent();
    assertThat(view.statusCode()).as(view.body()).isEqualTo(503);
    assertThat(new JsonObject(view.body()).getString("code")).isEqualTo("SALE_NOT_READY");

    try (Jedis redis = gw.jedis()) { // the operator's warm-up: state back, then the restock broadcast
      redis.hset(Bucket.root(saleId).meta(), meta);
      redis.set(Bucket.root(saleId).stock(), "10");
      redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> buy(saleId, "bob").statusCode() == 202);
  }

  @Test
  void aSaleNeitherRedisNorTheDatabaseKnowsIsStill404() {
    HttpResponse<String> buy = buy(9_000_000_000_000L + System.nanoTime() % 1_000_000, "ann");

    assertThat(buy.statusCode()).as(buy.body()).isEqualTo(404);
    assertThat(new JsonObject(buy.body()).getString("code")).isEqualTo("SALE_NOT_FOUND");
  }

  private HttpResponse<String> buy(long saleId, String user) {
    return gw.postJson("/api/v1/sales/" + saleId + "/orders", user, "{\"quantity\":1}");
  }
}
