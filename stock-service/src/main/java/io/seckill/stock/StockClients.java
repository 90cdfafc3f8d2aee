package io.seckill.stock;

import io.seckill.stock.reconcile.KafkaLag;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

/** The clients stock-service opens at start and {@link StockService#stop} closes, in this order. */
record StockClients(Pool pool, Redis redisClient, RedisAPI redis, KafkaLag kafkaLag) {
}
