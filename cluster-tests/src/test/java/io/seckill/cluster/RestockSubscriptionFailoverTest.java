package io.seckill.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.RedisKeys;
import io.seckill.common.config.Env;
import io.seckill.common.config.RedisSettings;
import io.seckill.gateway.sales.RestockSubscriber;
import io.seckill.infra.RedisClusterHarness;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The gateway's restock subscription in a Redis Cluster: a PUBLISH on another node reaches it, and
 * when the node it listens on dies it resubscribes on another node of the URL list.
 */
class RestockSubscriptionFailoverTest {

  @Test
  void aBroadcastOnAnyNodeReachesTheSubscriberAndItMovesToAnotherNodeWhenItsNodeDies() {
    Vertx vertx = Vertx.vertx();
    Set<Long> restocked = ConcurrentHashMap.newKeySet();
    AtomicInteger resubscribed = new AtomicInteger();
    try (RedisClusterHarness cluster = RedisClusterHarness.start()) {
      RestockSubscriber subscriber = new RestockSubscriber(vertx, RedisSettings.from(Env.of(
          Map.of("SECKILL_REDIS_URL", cluster.url(), "SECKILL_REDIS_MODE", "cluster"))), restocked::add, resubscribed::incrementAndGet);
      subscriber.start().await();
      int listening = await().atMost(Duration.ofSeconds(10)).until(() -> subscribedNode(cluster.ports()), port -> port > 0);
      int other = cluster.ports().stream().filter(port -> port != listening).findFirst().orElseThrow();

      publish(other, 41);
      await().atMost(Duration.ofSeconds(10)).until(() -> restocked.contains(41L));

      cluster.killNode(listening);
      List<Integer> survivors = cluster.ports().stream().filter(port -> port != listening).toList();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        publish(survivors.get(0), 42);
        return restocked.contains(42L);
      });

      assertThat(subscribedNode(survivors)).isIn(survivors);
      assertThat(resubscribed.get()).as("flags cleared on resubscribe").isPositive();
      subscriber.stop().await();
    } finally {
      vertx.close().await();
    }
  }

  /** The node on which the channel has a subscriber (PUBSUB NUMSUB is per node in a cluster), or 0. */
  private static int subscribedNode(List<Integer> ports) {
    for (int port : ports) {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        Long count = jedis.pubsubNumSub(RedisKeys.RESTOCK_CHANNEL).get(RedisKeys.RESTOCK_CHANNEL);
        if (count != null && count > 0) {
          return port;
        }
      } catch (RuntimeException dead) {
        // a killed node
      }
    }
    return 0;
  }

  private static void publish(int port, long saleId) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      jedis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId));
    }
  }
}
