package io.seckill.stock;

import io.seckill.stock.admin.AdminAuth;
import io.seckill.stock.payment.PaymentRoutes;
import io.seckill.stock.returns.OrderRoutes;
import io.seckill.stock.sale.BlocklistRoutes;
import io.seckill.stock.sale.SaleControlRoutes;
import io.seckill.stock.sale.SaleRoutes;

/** The thread-safe pieces {@link StockHttpVerticle} routes to, built once in {@link Main}. */
public record StockComponents(AdminAuth adminAuth, SaleRoutes sales, SaleControlRoutes controls,
                              BlocklistRoutes blocklist, OrderRoutes orders, PaymentRoutes payments) {
}
