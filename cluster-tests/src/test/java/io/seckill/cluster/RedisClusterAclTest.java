package io.seckill.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import io.seckill.infra.RedisClusterHarness;
import io.seckill.testing.RedisAclUsers;
import io.seckill.testing.SeckillSystem;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The services on a password-protected Redis Cluster: the ACL users of k8s/base/data/redis-acl.conf on every node
 * (a cluster's nodes each keep their own ACL), each service logging in as its own user to the seed nodes and to
 * every node it finds through CLUSTER SLOTS. A purchase is admitted, persisted and readable.
 */
class RedisClusterAclTest {

  @Test
  void eachServiceLogsInToEveryClusterNodeAsItsOwnUserAndAPurchaseIsPersisted() throws Exception {
    try (RedisClusterHarness cluster = RedisClusterHarness.start()) {
      List<Supplier<Jedis>> nodes = cluster.ports().stream()
          .map(port -> (Supplier<Jedis>) () -> new Jedis("127.0.0.1", port)).toList();
      try (RedisAclUsers users = RedisAclUsers.create(nodes)) {
        // Only the first seed is given: the other primaries are reached through CLUSTER SLOTS, with the same login.
        String seed = cluster.url().split(",")[0];
        try (SeckillSystem system = SeckillSystem.start("cluster-acl", Map.of(
                "SECKILL_REDIS_MODE", "cluster", "SECKILL_REDIS_URL", seed,
                "SECKILL_RECONCILE_INTERVAL_MS", "3600000"),
            Map.of(SeckillSystem.STOCK, users.user("seckill-stock-service").env(),
                SeckillSystem.CONSUMER, users.user("seckill-order-consumer").env(),
                SeckillSystem.GATEWAY, users.user("seckill-gateway").env()), 2, 1, 1)) {
          long saleId = system.createOpenSale(4);
          HttpResponse<String> bought = system.buy(saleId, "cluster-acl-alice");
          assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
          String orderId = new JsonObject(bought.body()).getString("orderId");
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> read = system.order("cluster-acl-alice", orderId);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(new JsonObject(read.body()).getString("status")).isEqualTo("PENDING_PAYMENT");
          });
          int home = cluster.portOfKey(Bucket.root(saleId).stock());
          try (Jedis node = new Jedis("127.0.0.1", home)) {
            assertThat(node.get(Bucket.root(saleId).stock())).isEqualTo("3");
          }
          for (Supplier<Jedis> node : nodes) {
            try (Jedis jedis = node.get()) {
              assertThat(jedis.aclLog().stream().filter(e -> e.getUsername().startsWith("seckill-")).toList())
                  .as("commands a node refused to the services").isEmpty();
            }
          }
        }
      }
    }
  }
}
