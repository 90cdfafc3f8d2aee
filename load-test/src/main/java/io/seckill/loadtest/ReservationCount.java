package io.seckill.loadtest;

import io.seckill.common.redis.Bucket;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.JedisCommands;

/**
 * Prints how many shoppers Redis admitted in a sale (HLEN of its buyers hash, summed over its stock buckets): the number of orders
 * the drain waits for. It counts reservations whose 202 wrk never read (wrk stops at its deadline
 * with requests in flight), which the client-side acknowledged set cannot.
 *
 * <p>Usage: {@code ReservationCount <redis-url> <saleId> [standalone|cluster]}; in cluster mode the
 * URL is the comma-separated seed list of SECKILL_REDIS_URL.
 */
public final class ReservationCount {
  private ReservationCount() {
  }

  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: ReservationCount <redis-url> <saleId> [standalone|cluster]");
      System.exit(2);
    }
    long saleId = Long.parseLong(args[1]);
    if (args.length == 3 && args[2].equals("cluster")) {
      try (JedisCluster redis = new JedisCluster(nodes(args[0]))) {
        System.out.println(count(redis, saleId));
      }
    } else {
      try (Jedis redis = new Jedis(URI.create(args[0]))) {
        System.out.println(count(redis, saleId));
      }
    }
  }

  /** HLEN of the buyers hash of every stock bucket of the sale (one unless it was split; see Bucket). */
  static long count(JedisCommands redis, long saleId) {
    String field = redis.hget(Bucket.root(saleId).meta(), "buckets");
    int buckets = field == null ? 1 : Integer.parseInt(field);
    long total = 0;
    for (Bucket bucket : Bucket.all(saleId, buckets)) {
      total += redis.hlen(bucket.buyers());
    }
    return total;
  }

  static Set<HostAndPort> nodes(String urls) {
    Set<HostAndPort> nodes = new HashSet<>();
    for (String url : urls.split(",")) {
      URI uri = URI.create(url.trim());
      nodes.add(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()));
    }
    return nodes;
  }
}
