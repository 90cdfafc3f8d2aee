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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /** Orders per persisted.lua call when settling rows: a consumer batch's size at most. */
  static final int ORDERS_PER_CALL = 500;
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
    Map<Bucket, List<StockSnapshot.PendingEntry>> rows = new LinkedHashMap<>();
    for (StockSnapshot.PendingEntry entry : snapshot.pending()) {
      if (entry.inDb()) {
        if (OrderStatus.PENDING_PAYMENT.name().equals(entry.dbStatus())) {
          rows.computeIfAbsent(Bucket.of(entry.orderId()), b -> new ArrayList<>()).add(entry);
        } else {
          steps.add(settle(saleId, entry).onSuccess(x -> settled.add(entry.orderId())));
        }
      } else if (lagFree && now - entry.reservedAt() >= orphanAfterMs && entry.cachedQuantity() != null
          && entry.cachedUserId() != null) {
        steps.add(settleOrphan(saleId, entry, settled, orphans));
      }
    }
    // The common case (the consumer committed an order and has not yet taken it out of pending, or its own
    // persisted.lua failed): one persisted.lua call per bucket and chunk, as the consumer does per batch.
    rows.forEach((bucket, entries) -> {
      for (int from = 0; from < entries.size(); from += ORDERS_PER_CALL) {
        List<StockSnapshot.PendingEntry> chunk = entries.subList(from, Math.min(entries.size(), from + ORDERS_PER_CALL));
        steps.add(Reservations.persisted(redis, bucket, chunk.stream().map(PendingSettlement::asPersisted).toList(),
            orderStatusTtlS).onSuccess(x -> chunk.forEach(entry -> settled.add(entry.orderId()))));
      }
    });
    return Future.all(steps).mapEmpty();
  }

  private static Reservations.Persisted asPersisted(StockSnapshot.PendingEntry row) {
    return new Reservations.Persisted(row.orderId(), row.dbUserId(), row.dbQuantity(), row.dbStatus());
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
    Future<?> persisted = Reservations.persisted(redis, bucket, List.of(asPersisted(entry)), orderStatusTtlS);
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
