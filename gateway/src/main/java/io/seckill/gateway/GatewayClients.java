package io.seckill.gateway;

import io.seckill.gateway.admission.OrderPublisher;
import io.seckill.gateway.orders.StockServiceClient;
import io.seckill.gateway.sales.RestockSubscriber;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/** What the gateway holds open to other systems, each closed once, in order, by {@link GatewayService#stop()}. */
public record GatewayClients(Redis redis, Pool pg, OrderPublisher publisher, StockServiceClient stockService,
                             RestockSubscriber restock) {
}
