package io.seckill.common.config;

/**
 * How a service talks to Redis.
 *
 * @param url          redis://host:port[/db]
 * @param poolSize     pooled connections; each carries pipelined commands
 * @param maxWaiting   requests allowed to wait for a connection before the pool rejects (fail fast)
 */
public record RedisSettings(String url, int poolSize, int maxWaiting) {
  public static RedisSettings from(Env env) {
    return new RedisSettings(
        env.url("SECKILL_REDIS_URL", "redis", "rediss"),
        env.integer("SECKILL_REDIS_POOL_SIZE", 16, 1, 1024),
        env.integer("SECKILL_REDIS_POOL_WAITING", 4096, 1, 1_000_000));
  }

  @Override
  public String toString() {
    return "RedisSettings[url=" + Env.redact(url) + ", poolSize=" + poolSize + ", maxWaiting=" + maxWaiting + "]";
  }
}
