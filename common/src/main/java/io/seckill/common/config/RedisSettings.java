package io.seckill.common.config;

/**
 * How a service talks to Redis.
 *
 * @param url         redis://host:port[/db]
 * @param connections long-lived pipelined connections that carry the request path's commands
 * @param poolSize    pooled connections for callers that need a connection to themselves
 * @param maxWaiting  requests allowed to wait for a pooled connection before the pool rejects (fail fast)
 */
public record RedisSettings(String url, int connections, int poolSize, int maxWaiting) {
  public static RedisSettings from(Env env) {
    return new RedisSettings(
        env.url("SECKILL_REDIS_URL", "redis", "rediss"),
        env.integer("SECKILL_REDIS_CONNECTIONS", 4, 1, 256),
        env.integer("SECKILL_REDIS_POOL_SIZE", 8, 1, 1024),
        env.integer("SECKILL_REDIS_POOL_WAITING", 4096, 1, 1_000_000));
  }

  @Override
  public String toString() {
    return "RedisSettings[url=" + Env.redact(url) + ", connections=" + connections + ", poolSize=" + poolSize
        + ", maxWaiting=" + maxWaiting + "]";
  }
}
