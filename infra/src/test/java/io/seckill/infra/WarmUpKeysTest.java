package io.seckill.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.Bucket;
import io.seckill.common.warmup.WarmUpKeys;
import io.seckill.common.warmup.WarmUpSales;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

class WarmUpKeysTest {
  private static final int FILLER_KEYS = 100_000;
  /** A logical database of this test's own, so the sweep's length does not depend on what else Redis holds. */
  private static final int DATABASE = 13;

  private Vertx vertx;
  private Redis client;
  private Jedis jedis;

  @BeforeEach
  void connect() {
    String url = LocalInfra.shared().redisUrl().replaceAll("/\\d*$", "") + "/" + DATABASE;
    vertx = Vertx.vertx();
    client = Redis.createClient(vertx, url);
    jedis = new Jedis(URI.create(url));
    jedis.flushDB();
  }

  @AfterEach
  void close() {
    jedis.flushDB();
    jedis.close();
    client.close();
    vertx.close().await();
  }

  @Test
  void aSweepOfAHundredThousandScanPagesEndsAndLeavesNoKeyOfTheSale() throws Exception {
    long saleId = WarmUpSales.pick();
    String tag = Bucket.root(saleId).tag();
    Pipeline pipeline = jedis.pipelined();
    for (int i = 0; i < FILLER_KEYS; i++) {
      pipeline.set("sweep-filler:" + i, "x");
    }
    // What the sweep is for: keys of the sale no list names (an order released after a failed send).
    for (int i = 0; i < 3; i++) {
      pipeline.set(tag + "order:stray-" + i, "RELEASED");
    }
    pipeline.set(Bucket.root(saleId).stock(), "5");
    pipeline.sync();

    // COUNT 1: about one SCAN page per key of the keyspace, a hundred thousand pages. Chained page by page
    // with compose, their completion overflowed the stack and this future never completed.
    new WarmUpKeys(RedisAPI.api(client), RedisSettings.Mode.STANDALONE, 5_000, 1).delete(saleId, List.of())
        .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);

    assertThat(jedis.keys(tag + "*")).isEmpty();
    assertThat(jedis.dbSize()).as("keys of other tags are left alone").isEqualTo(FILLER_KEYS);
  }
}
