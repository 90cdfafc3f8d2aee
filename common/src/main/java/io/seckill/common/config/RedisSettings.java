package io.seckill.common.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a service talks to Redis.
 *
 * @param url         redis://host:port[/db]; in cluster mode a comma-separated list of seed nodes
 * @param mode        standalone (one Redis) or cluster (a Redis Cluster, commands routed by slot)
 * @param connections long-lived pipelined connections that carry the request path's commands
 * @param poolSize    pooled connections for callers that need a connection to themselves
 * @param maxWaiting  requests allowed to wait for a pooled connection before the pool rejects (fail fast)
 */
public record RedisSettings(String url, Mode mode, int connections, int poolSize, int maxWaiting) {
  /** SECKILL_REDIS_MODE. */
  public enum Mode { STANDALONE, CLUSTER }

  public static RedisSettings from(Env env) {
    Mode mode = mode(env);
    return new RedisSettings(
        urls(env, mode),
        mode,
        env.integer("SECKILL_REDIS_CONNECTIONS", 4, 1, 256),
        env.integer("SECKILL_REDIS_POOL_SIZE", 8, 1, 1024),
        env.integer("SECKILL_REDIS_POOL_WAITING", 4096, 1, 1_000_000));
  }

  /** The URL, or each seed node of a cluster. */
  public List<String> urls() {
    return Arrays.stream(url.split(",")).map(String::trim).toList();
  }

  private static Mode mode(Env env) {
    String mode = env.optional("SECKILL_REDIS_MODE", "standalone");
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "standalone" -> Mode.STANDALONE;
      case "cluster" -> Mode.CLUSTER;
      default -> throw new ConfigException("SECKILL_REDIS_MODE", "must be standalone or cluster but was '" + mode + "'");
    };
  }

  /** Each comma-separated URL is checked on its own; several need cluster mode, and a cluster has only database 0. */
  private static String urls(Env env, Mode mode) {
    String name = "SECKILL_REDIS_URL";
    String[] parts = env.required(name).split(",");
    if (mode == Mode.STANDALONE && parts.length > 1) {
      throw new ConfigException(name, "holds " + parts.length + " URLs; several seed nodes need SECKILL_REDIS_MODE=cluster");
    }
    for (String part : parts) {
      if (part.isBlank()) {
        throw new ConfigException(name, "has an empty entry in its comma-separated list");
      }
      String url = Env.of(Map.of(name, part)).url(name, "redis", "rediss");
      String path = URI.create(url).getPath();
      if (mode == Mode.CLUSTER && path != null && !path.isEmpty() && !path.equals("/") && !path.equals("/0")) {
        throw new ConfigException(name, "names database " + path.substring(1) + " but a Redis Cluster has only database 0: '"
            + Env.redact(url) + "'");
      }
    }
    return String.join(",", Arrays.stream(parts).map(String::trim).toList());
  }

  @Override
  public String toString() {
    return "RedisSettings[url=" + Env.redact(url) + ", mode=" + mode + ", connections=" + connections + ", poolSize=" + poolSize
        + ", maxWaiting=" + maxWaiting + "]";
  }
}
