package io.seckill.stock.reconcile;

import io.seckill.common.db.OrderFence;
import io.seckill.common.order.OrderStatus;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.Reservations;
import io.seckill.stock.StockConfig;
import io.seckill.stock.returns.RestockPublisher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's first healing steps for one sale: a pending entry that is a row already leaves {@code pending}
 * (its status cached from the DB; a FAILED row's reservation is released), and a reservation orphaned by a gateway
 * that died between Redis and Kafka is fenced in PostgreSQL, then released.
 *
 * <p>An orphan is settled in PostgreSQL before Redis gives its stock back ({@link OrderFence}): a FAILED row
 * under its id, unless a row exists. The record of an ambiguous Kafka send may still reach the log after
 * the lag was read; with the fence in place it then conflicts on the primary key and changes nothing, so
 * a unit is never both returned to Redis and held by a live order.
 */
public final class PendingSettlement {
  static final String ORPHANED = "ORPHANED";
  private static final Logger LOG = LoggerFactory.getLogger(PendingSettlement.class);

  private final RedisAPI redis;
  private final RestockPublisher restock;
  private final OrderFence fence;
  private final long orphanAfterMs;
  private final int orderStatusTtlS;

  public PendingSettlement(Pool pool, RedisAPI redis, RestockPublisher restock, StockConfig config) {
    this.redis = redis;
    this.restock = restock;
    this.fence = new OrderFence(pool);
    this.orphanAfterMs = config.orphanAfterMs();
    this.orderStatusTtlS = config.orderStatusTtlS();
  }

  /**
   * Settles every pending entry that is a row and, once Kafka has caught up ({@code lagFree}), releases the
   * orphans older than SECKILL_ORPHAN_AFTER_MS; their order ids are added to {@code settled} and {@code orphans}.
   */
  Future<Void> settleAndRelease(StockSnapshot snapshot, boolean lagFree, JsonArray settled, JsonArray orphans) {
    long saleId = snapshot.sale().saleId();
    long now = System.currentTimeMillis();
    List<Future<?>> steps = new ArrayList<>();
    for (StockSnapshot.PendingEntry entry : snapshot.pending()) {
      if (entry.inDb()) {
        steps.add(settle(saleId, entry).onSuccess(x -> settled.add(entry.orderId())));
      } else if (lagFree && now - entry.reservedAt() >= orphanAfterMs && entry.cachedQuantity() != null
          && entry.cachedUserId() != null) {
        steps.add(settleOrphan(saleId, entry, settled, orphans));
      }
    }
    return Future.all(steps).mapEmpty();
  }

  /**
   * Fences the orphan in PostgreSQL, then releases it in Redis; if the consumer wrote the order first after
   * all, it is settled like any pending entry that is a row.
   */
  private Future<?> settleOrphan(long saleId, StockSnapshot.PendingEntry entry, JsonArray settled, JsonArray orphans) {
    String orderId = entry.orderId();
    // Fail-closed: without the fence nothing is released this pass.
    return fence.settle(orderId, saleId, entry.cachedUserId(), entry.cachedQuantity(), ORPHANED, null).<Object>compose(fate -> {
      if (!fate.fenced()) {
        StockSnapshot.PendingEntry row = new StockSnapshot.PendingEntry(orderId, entry.reservedAt(), entry.cachedUserId(),
            entry.cachedQuantity(), fate.status(), fate.reason(), entry.cachedQuantity(), entry.cachedUserId());
        return settle(saleId, row).<Object>map(x -> settled.add(orderId));
      }
      return release(saleId, orderId, entry.cachedUserId(), entry.cachedQuantity(), ORPHANED).<Object>map(released -> {
        if (released) {
          orphans.add(orderId);
          LOG.warn("released reservation {} of sale {}: never reached Kafka or the DB (fenced as FAILED {})", orderId,
              saleId, ORPHANED);
        }
        return released;
      });
    });
  }

  /** A pending entry whose order is a row: drop it from pending and cache the DB status. */
  private Future<?> settle(long saleId, StockSnapshot.PendingEntry entry) {
    Bucket bucket = Bucket.of(entry.orderId());
    String key = bucket.order(entry.orderId());
    if (OrderStatus.FAILED.name().equals(entry.dbStatus())) {
      // The DB refused it and holds no stock for it: the Redis reservation goes back (idempotent).
      return release(saleId, entry.orderId(), entry.dbUserId(), entry.dbQuantity(),
          entry.dbReason() == null ? "REFUSED" : entry.dbReason());
    }
    Future<?> persisted = Reservations.persisted(redis, bucket, List.of(new Reservations.Persisted(entry.orderId(),
        entry.dbUserId(), entry.dbQuantity(), entry.dbStatus())), orderStatusTtlS);
    if (OrderStatus.PENDING_PAYMENT.name().equals(entry.dbStatus())) {
      return persisted;
    }
    // PAID and CANCELLED are final: always right to cache, whatever the cache said before.
    return persisted.compose(x -> redis.hset(List.of(key, "status", entry.dbStatus())));
  }

  private Future<Boolean> release(long saleId, String orderId, String userId, int quantity, String reason) {
    return Reservations.release(redis, orderId, userId, quantity, OrderStatus.FAILED.name(), reason, orderStatusTtlS)
        .compose(result -> {
      boolean released = result.get(0).toInteger() == 1;
      return released ? restock.publish(saleId).map(true) : Future.succeededFuture(false);
    });
  }
}
