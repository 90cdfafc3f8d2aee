package io.seckill.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.config.Env;
import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.PipelinedRedis;
import io.seckill.common.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

class PipelinedRedisTest {
  private Vertx vertx;
  private PipelinedRedis redis;

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    redis = (PipelinedRedis) RedisClients.create(vertx, RedisSettings.from(Env.of(Map.of(
        "SECKILL_REDIS_URL", LocalInfra.shared().redisUrl(), "SECKILL_REDIS_CONNECTIONS", "3"))));
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.live() == 3);
  }

  @AfterEach
  void close() {
    redis.close().await();
    vertx.close().await();
  }

  @Test
  void manyConcurrentCommandsAreAnsweredInOrderOverFewConnections() {
    String key = LocalInfra.uniqueName("pipelined") + ":counter";
    RedisAPI api = RedisAPI.api(redis);
    List<Future<Long>> increments = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      increments.add(api.incr(key).map(r -> r.toLong()));
    }
    Future.all(increments).await();
    Set<Long> values = new HashSet<>();
    increments.forEach(f -> values.add(f.result()));
    assertThat(values).hasSize(5000).contains(1L, 5000L);
    api.del(List.of(key)).await();
  }

  @Test
  void killedConnectionsAreReplacedAndCommandsWorkAgain() throws Exception {
    RedisAPI api = RedisAPI.api(redis);
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      ids.add(api.client(List.of("ID")).await().toLong());
    }
    assertThat(ids).hasSize(3);
    try (Jedis admin = new Jedis(java.net.URI.create(LocalInfra.shared().redisUrl()))) {
      for (long id : ids) {
        admin.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", Long.toString(id));
      }
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(redis.live()).isEqualTo(3);
      assertThat(api.ping(List.of()).await().toString()).isEqualTo("PONG");
    });
    Set<Long> fresh = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      fresh.add(api.client(List.of("ID")).await().toLong());
    }
    assertThat(fresh).hasSize(3).doesNotContainAnyElementsOf(ids);
  }
}
