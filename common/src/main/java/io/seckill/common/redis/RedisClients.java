package io.seckill.common.redis;

import io.seckill.common.config.RedisSettings;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Builds the pooled Redis client. The pool and its wait queue are sized on purpose: the default wait queue (24) rejects a flash sale. */
public final class RedisClients {
  private RedisClients() {
  }

  public static Redis create(Vertx vertx, RedisSettings settings) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(settings.url())
        .setMaxPoolSize(settings.poolSize())
        .setMaxPoolWaiting(settings.maxWaiting())
        .setMaxWaitingHandlers(65_536)
        .setPoolRecycleTimeout(15_000);
    return Redis.createClient(vertx, options);
  }
}
