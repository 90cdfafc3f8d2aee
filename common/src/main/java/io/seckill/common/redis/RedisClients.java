package io.seckill.common.redis;

import io.seckill.common.config.RedisSettings;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * Builds the Redis client every service uses: {@link PipelinedRedis} (a few long-lived pipelined
 * connections) for commands, over a pooled client kept for callers that need a connection of their
 * own. The pool's wait queue is sized on purpose: the default (24) rejects a flash sale.
 */
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
    return PipelinedRedis.start(vertx, Redis.createClient(vertx, options), settings.connections());
  }
}
