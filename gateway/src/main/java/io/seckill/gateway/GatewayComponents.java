package io.seckill.gateway;

import io.seckill.common.http.Health;
import io.seckill.common.metrics.ServiceRuntime;

/** The thread-safe pieces every {@link GatewayVerticle} instance shares. */
public record GatewayComponents(GatewayConfig config, ServiceRuntime runtime, Health health, GatewayMetrics metrics,
                                RequestGuards guards, ShopperAuth auth, SaleRoutes sales, OrderRoutes orders,
                                PurchaseMetrics purchaseMetrics, SaleList saleList, PowChallenges challenges) {
}
