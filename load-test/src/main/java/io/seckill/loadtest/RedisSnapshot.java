package io.seckill.loadtest;

import java.net.URI;
import redis.clients.jedis.Jedis;

/**
 * Prints the {@link RedisCounters} of every node as facts for bench.sh to append to
 * facts.properties: {@code redis.node.n<i>=host:port} and
 * {@code redis.<label>.n<i>.script_calls|script_usec|cpu_usec=<value>}. A cluster is read node by
 * node (INFO is per node), which is what the per-shard figures need.
 *
 * <p>Usage: {@code RedisSnapshot <label> <redis-url>[,<redis-url>...]}, e.g. {@code admit.before}
 */
public final class RedisSnapshot {
  private RedisSnapshot() {
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: RedisSnapshot <label> <redis-url>[,<redis-url>...]");
      System.exit(2);
    }
    String[] urls = args[1].split(",");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < urls.length; i++) {
      URI uri = URI.create(urls[i].trim());
      try (Jedis redis = new Jedis(uri)) {
        RedisCounters c = RedisCounters.parse(redis.info("commandstats") + "\n" + redis.info("cpu"));
        String node = "n" + i;
        String prefix = "redis." + args[0] + "." + node + ".";
        out.append("redis.node.").append(node).append('=').append(uri.getHost()).append(':')
            .append(uri.getPort() < 0 ? 6379 : uri.getPort()).append('\n')
            .append(prefix).append("script_calls=").append(c.scriptCalls()).append('\n')
            .append(prefix).append("script_usec=").append(c.scriptUsec()).append('\n')
            .append(prefix).append("cpu_usec=").append(c.cpuUsec()).append('\n');
      }
    }
    System.out.print(out);
  }
}
