package io.seckill.stock.reconcile;

import io.seckill.stock.sale.Sale;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One look at a sale's stock: Redis first, then PostgreSQL (that order matters, see {@link StockProbe}).
 *
 * @param bucketStocks    Redis stock of each stock bucket, in bucket order (one for an unsplit sale);
 *                        an entry is null when Redis holds no stock for that bucket (not warmed up)
 * @param dbTotals        units per status {pendingPayment, paid, cancelled, failed}, the order counts per status
 *                        under {@code orders}, and the payment callbacks per outcome under {@code payments}; null
 *                        in the reconciler's snapshots ({@link StockProbe#probe}), which do not read them
 * @param unappliedUnits  units returned in the DB whose return has not reached Redis yet
 */
public record StockSnapshot(Sale sale, List<Long> bucketStocks, long redisBuyers, List<PendingEntry> pending, JsonObject dbTotals,
                            long unappliedUnits) {

  /**
   * A reservation in the Redis {@code pending} zset.
   *
   * @param reservedAt     epoch ms of the reservation (the zset score)
   * @param cachedUserId   from the Redis order status hash; null if it expired
   * @param cachedQuantity from the Redis order status hash; null if it expired
   * @param dbStatus       the order's row status, null when it is not a row (in flight)
   */
  public record PendingEntry(String orderId, long reservedAt, String cachedUserId, Integer cachedQuantity,
                             String dbStatus, String dbReason, Integer dbQuantity, String dbUserId) {
    public boolean inDb() {
      return dbStatus != null;
    }
  }

  /** Redis stock of the whole sale: the sum over its buckets; null unless every bucket holds one. */
  public Long redisStock() {
    long sum = 0;
    for (Long stock : bucketStocks) {
      if (stock == null) {
        return null;
      }
      sum += stock;
    }
    return sum;
  }

  public List<PendingEntry> inFlight() {
    return pending.stream().filter(p -> !p.inDb()).toList();
  }

  /** Units reserved in Redis whose order is not a row yet; an expired status hash counts the per-user limit. */
  public long inFlightUnits() {
    return inFlight().stream().mapToLong(p -> p.cachedQuantity() == null ? sale.perUserLimit() : p.cachedQuantity()).sum();
  }

  /** Redis stock minus (DB remaining net of in-flight orders); 0 when converged, 0 when Redis has no state. */
  public long drift() {
    Long stock = redisStock();
    return stock == null ? 0 : stock - (sale.remaining() - inFlightUnits());
  }

  public JsonObject toJson() {
    JsonObject db = (dbTotals == null ? new JsonObject() : dbTotals.copy()).put("remaining", sale.remaining());
    JsonObject redis = new JsonObject().put("stock", redisStock()).put("buyers", redisBuyers).put("pending", pending.size());
    if (bucketStocks.size() > 1) {
      redis.put("bucketStocks", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(bucketStocks)));
    }
    return sale.toJson().put("db", db).put("redis", redis).put("drift", drift())
        .put("inFlight", new JsonObject().put("orders", inFlight().size()).put("units", inFlightUnits()));
  }
}
