package io.seckill.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.config.Env;
import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.PipelinedRedis;
import io.seckill.common.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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
    // One event loop per connection, so a verticle's commands go over its own loop's connection.
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(3));
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
  void aCommandSentFromAnEventLoopGoesOverThatLoopsOwnConnectionsAndOtherThreadsUseThemAll() throws Exception {
    Vertx twoLoops = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    PipelinedRedis affine = (PipelinedRedis) RedisClients.create(twoLoops, RedisSettings.from(Env.of(Map.of(
        "SECKILL_REDIS_URL", LocalInfra.shared().redisUrl(), "SECKILL_REDIS_CONNECTIONS", "4"))));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> affine.live() == 4);
      RedisAPI api = RedisAPI.api(affine);
      List<Set<Long>> idsByLoop = new ArrayList<>();
      Set<Thread> loopThreads = ConcurrentHashMap.newKeySet();
      for (int loop = 0; loop < 2; loop++) {
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        inOneEventLoopTurn(twoLoops, () -> {
          loopThreads.add(Thread.currentThread());
          List<Future<Response>> replies = new ArrayList<>();
          for (int i = 0; i < 40; i++) {
            replies.add(api.client(List.of("ID")).onSuccess(id -> ids.add(id.toLong())));
          }
          return Future.all(replies);
        });
        idsByLoop.add(ids);
      }
      assertThat(loopThreads).as("one verticle per event loop").hasSize(2);
      assertThat(idsByLoop.get(0)).hasSize(2).doesNotContainAnyElementsOf(idsByLoop.get(1));
      assertThat(idsByLoop.get(1)).hasSize(2);

      Set<Long> fromOutside = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        fromOutside.add(api.client(List.of("ID")).await().toLong());
      }
      assertThat(fromOutside).hasSize(4);
    } finally {
      affine.close().await();
      twoLoops.close().await();
    }
  }

  @Test
  void theCommandsOfOneEventLoopTurnLeaveTogetherAfterItAndAreAnsweredInOrder() throws Exception {
    String key = LocalInfra.uniqueName("pipelined") + ":turn";
    RedisAPI api = RedisAPI.api(redis);
    long[] heldInTheTurn = {-2};
    List<Long> values = new ArrayList<>();
    long[] afterTheTurn = {-2};
    inOneEventLoopTurn(vertx, () -> {
      List<Future<Response>> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        replies.add(api.incr(key));
      }
      // Still inside the turn: every command is written to its socket and none has left.
      heldInTheTurn[0] = redis.unflushedBytes();
      return Future.all(replies).onSuccess(done -> {
        replies.forEach(reply -> values.add(reply.result().toLong()));
        afterTheTurn[0] = redis.unflushedBytes();
      });
    });
    assertThat(afterTheTurn[0]).isZero();
    assertThat(heldInTheTurn[0]).as("bytes of the turn's commands not yet written").isPositive();
    assertThat(values).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    api.del(List.of(key)).await();
  }

  /**
   * Runs {@code turn} within one turn of an event loop (a verticle's start: deployments take the loops in turn, as
   * the gateway's HTTP verticles do) and waits until the future it returns completes.
   */
  private static void inOneEventLoopTurn(Vertx vertx, Supplier<Future<?>> turn) {
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return turn.get();
      }
    }).await();
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
