package io.seckill.stock.returns;

import io.vertx.sqlclient.Row;

/** Stock of a cancelled order, returned to the sale row and still to be applied to Redis. */
public record StockReturn(String orderId, long saleId, int quantity, String cause) {
  public static final String TIMEOUT = "TIMEOUT";
  static final String SHOPPER_CANCEL = "SHOPPER_CANCEL";

  static StockReturn from(Row row, String cause) {
    return new StockReturn(row.getString("order_id"), row.getLong("sale_id"), row.getInteger("quantity"), cause);
  }
}
