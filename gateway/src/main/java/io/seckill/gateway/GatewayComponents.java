package io.seckill.gateway;

import io.seckill.gateway.guards.RequestGuards;
import io.seckill.gateway.guards.ShopperAuth;
import io.seckill.gateway.orders.OrderRoutes;
import io.seckill.gateway.sales.PowChallenges;
import io.seckill.gateway.sales.SaleList;
import io.seckill.gateway.sales.PurchaseTokens;
import io.seckill.gateway.sales.SaleRoutes;


/** The thread-safe pieces every {@link GatewayVerticle} instance shares. */
public record GatewayComponents(GatewayConfig config, GatewayMetrics metrics,
                                RequestGuards guards, ShopperAuth auth, SaleRoutes sales, PurchaseTokens tokens,
                                OrderRoutes orders,
                                PurchaseMetrics purchaseMetrics, SaleList saleList, PowChallenges challenges) {
}
