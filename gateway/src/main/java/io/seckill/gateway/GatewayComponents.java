package io.seckill.gateway;


/** The thread-safe pieces every {@link GatewayVerticle} instance shares. */
public record GatewayComponents(GatewayConfig config, GatewayMetrics metrics,
                                RequestGuards guards, ShopperAuth auth, SaleRoutes sales, OrderRoutes orders,
                                PurchaseMetrics purchaseMetrics, SaleList saleList, PowChallenges challenges) {
}
