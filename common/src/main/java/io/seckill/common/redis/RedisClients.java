package io.seckill.common.redis;

import io.seckill.common.config.RedisSettings;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.impl.RedisClusterClient;
import java.util.ArrayList;

/**
 * Builds the Redis client every service uses: {@link PipelinedRedis} (a few long-lived pipelined
 * connections) for commands, over a pooled client kept for callers that need a connection of their
 * own. The pool's wait queue is sized on purpose: the default (24) rejects a flash sale.
 */
public final class RedisClients {
  private RedisClients() {
  }

  static {
    // SCRIPT LOAD has no key, so a cluster connection would send it to one random node and the
    // EVALSHA retry after NOSCRIPT (LuaScript.run) could miss again. With a reducer the cluster
    // client sends it to every primary instead; every node answers the same SHA.
    RedisClusterClient.addReducer(Command.SCRIPT, answers -> answers.get(0));
  }

  /**
   * Standalone: one Redis at the URL. Cluster: the seed URLs, slots discovered with CLUSTER SLOTS
   * and each command routed by its keys' slot (every script's keys share the sale's hash tag);
   * keyless commands (PING, PUBLISH) go to any primary. Pool sizes apply per node.
   */
  public static Redis create(Vertx vertx, RedisSettings settings) {
    RedisOptions options = options(settings)
        .setType(settings.mode() == RedisSettings.Mode.CLUSTER ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
        .setUseReplicas(RedisReplicas.NEVER)
        .setMaxPoolSize(settings.poolSize())
        .setMaxPoolWaiting(settings.maxWaiting())
        .setMaxWaitingHandlers(65_536)
        .setPoolRecycleTimeout(15_000);
    return PipelinedRedis.start(vertx, Redis.createClient(vertx, options), settings.connections());
  }

  /**
   * The endpoints and the credentials. The URLs carry none (RedisSettings takes them out); the user and password
   * set here go with every connection, including those to the cluster nodes found through CLUSTER SLOTS.
   */
  public static RedisOptions options(RedisSettings settings) {
    return new RedisOptions()
        .setEndpoints(new ArrayList<>(settings.urls()))
        .setUser(settings.user())
        .setPassword(settings.password());
  }

  /** A plain client for one node of the settings (a pub/sub subscription), with the settings' credentials. */
  public static Redis node(Vertx vertx, RedisSettings settings, String url) {
    return Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
        .setUser(settings.user()).setPassword(settings.password()));
  }
}
