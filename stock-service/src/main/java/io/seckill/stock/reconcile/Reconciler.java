package io.seckill.stock.reconcile;

import io.seckill.common.db.OrderFence;
import io.seckill.common.order.OrderStatus;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.Reservations;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.stock.StockConfig;
import io.seckill.stock.returns.RestockPublisher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares each active sale's Redis state with PostgreSQL, heals what it safely can, and exports the
 * drift. Healing, in order: pending entries that are rows already leave {@code pending} (their status
 * cached from the DB; a FAILED row's reservation is released); reservations orphaned by a gateway that
 * died between Redis and Kafka are released; then the stock itself is corrected.
 *
 * <p>An orphan is settled in PostgreSQL before Redis gives its stock back ({@link OrderFence}): a FAILED row
 * under its id, unless a row exists. The record of an ambiguous Kafka send may still reach the log after
 * the lag was read; with the fence in place it then conflicts on the primary key and changes nothing, so
 * a unit is never both returned to Redis and held by a live order.
 */
public final class Reconciler {
  static final String ORPHANED = "ORPHANED";
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Pool pool;
  private final RedisAPI redis;
  private final StockProbe probe;
  private final KafkaLag kafkaLag;
  private final RestockPublisher restock;
  private final StockGauges gauges;
  private final long orphanAfterMs;
  private final OrderFence fence;
  private final int orderStatusTtlS;

  public Reconciler(Pool pool, RedisAPI redis, KafkaLag kafkaLag, RestockPublisher restock, StockGauges gauges,
             StockConfig config) {
    this.pool = pool;
    this.redis = redis;
    this.probe = new StockProbe(pool, redis);
    this.kafkaLag = kafkaLag;
    this.restock = restock;
    this.gauges = gauges;
    this.orphanAfterMs = config.orphanAfterMs();
    this.fence = new OrderFence(pool);
    this.orderStatusTtlS = config.orderStatusTtlS();
  }

  /** One pass over every active sale; a sale that fails is logged and the others still run. */
  public Future<Integer> reconcileActiveSales() {
    return pool.query(ReconcileQueries.ACTIVE_SALE_IDS).execute().compose(rows -> caughtUp().compose(lagFree -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (var row : rows) {
        long saleId = row.getLong("sale_id");
        chain = chain.compose(done -> reconcile(saleId, lagFree).map(done + 1).recover(failure -> {
          LOG.warn("reconciliation of sale {} failed: {}", saleId, failure.getMessage());
          return Future.succeededFuture(done);
        }));
      }
      return chain;
    }));
  }

  public Future<JsonObject> reconcile(long saleId) {
    return caughtUp().compose(lagFree -> reconcile(saleId, lagFree));
  }

  /**
   * Kafka lag is read BEFORE PostgreSQL: zero lag then means every order produced before that moment is a
   * row by the time the DB is read, so a pending entry still missing from the DB was never produced.
   * Fail closed: if Kafka cannot say, no reservation is treated as orphaned.
   */
  private Future<Boolean> caughtUp() {
    return kafkaLag.lag().map(lag -> lag == 0L).recover(failure -> {
      LOG.warn("consumer lag unknown, orphaned reservations are kept this pass: {}", failure.getMessage());
      return Future.succeededFuture(false);
    });
  }

  private Future<JsonObject> reconcile(long saleId, boolean lagFree) {
    JsonArray settled = new JsonArray();
    JsonArray orphans = new JsonArray();
    return probe.probe(saleId)
        .compose(before -> settleAndRelease(before, lagFree, settled, orphans).map(before))
        .compose(before -> probe.probe(saleId).compose(measured -> healStock(measured).map(healed -> {
          long driftAfter = healed == null ? measured.drift() : healed - (measured.sale().remaining() - measured.inFlightUnits());
          Long stockAfter = healed == null ? measured.redisStock() : healed;
          gauges.record(saleId, stockAfter, measured.sale().remaining(), driftAfter);
          return new JsonObject()
              .put("saleId", saleId)
              .put("kafkaCaughtUp", lagFree)
              .put("driftBefore", before.drift())
              .put("settledPending", settled)
              .put("orphansReleased", orphans)
              .put("inFlightOrders", measured.inFlight().size())
              .put("redisStock", stockAfter)
              .put("dbRemaining", measured.sale().remaining())
              .put("unappliedReturnUnits", measured.unappliedUnits())
              .put("stockHealed", healed == null ? null
                  : new JsonObject().put("from", measured.redisStock()).put("to", healed))
              .put("drift", driftAfter);
        })));
  }

  private Future<Void> settleAndRelease(StockSnapshot snapshot, boolean lagFree, JsonArray settled, JsonArray orphans) {
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
    // Fail closed: without the fence nothing is released this pass.
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

  /**
   * Sets Redis stock to what PostgreSQL says, only when nothing is in flight. The target is DB remaining
   * minus the units of returns not yet applied to Redis (return.lua will still add those). Lowering is
   * always safe — it can only undersell. Raising is safe only with an empty {@code pending}: then no
   * admitted order is missing from the DB's count. reconcile_stock.lua re-checks both atomically (stock
   * unchanged since we read it, pending still empty), so a shopper admitted meanwhile is never overwritten.
   *
   * <p>A split sale is healed bucket by bucket, each with its own compare-and-set: a shortfall is spread
   * evenly over the buckets, a surplus is taken from the fullest buckets first. A bucket that moved in
   * between keeps its value; the next pass measures again.
   * Returns the new total stock, or null when nothing was changed.
   */
  private Future<Long> healStock(StockSnapshot s) {
    long saleId = s.sale().saleId();
    long target = s.sale().remaining() - s.unappliedUnits();
    Long current = s.redisStock();
    if (current == null || !s.pending().isEmpty() || target < 0 || target == current) {
      return Future.succeededFuture(null);
    }
    long[] wanted = StockHealing.spread(s.bucketStocks(), target);
    List<Bucket> buckets = s.sale().buckets();
    List<Future<Long>> sets = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i++) {
      long was = s.bucketStocks().get(i);
      long to = wanted[i];
      if (was == to) {
        continue;
      }
      Bucket b = buckets.get(i);
      sets.add(SeckillScripts.SET_STOCK_IF_UNCHANGED.run(redis, List.of(b.stock(), b.pending()), List.of(Long.toString(was),
          Long.toString(to))).map(result -> result.toInteger() == 1 ? to - was : 0L));
    }
    return Future.all(sets).compose(all -> {
      long applied = sets.stream().mapToLong(Future::result).sum();
      if (sets.stream().allMatch(f -> f.result() == 0L)) {
        return Future.succeededFuture(null);
      }
      long healed = current + applied;
      LOG.warn("healed Redis stock of sale {}: {} -> {} (DB remaining {})", saleId, current, healed,
          s.sale().remaining());
      return sets.stream().anyMatch(f -> f.result() > 0)
          ? restock.publish(saleId).map(healed) : Future.succeededFuture(healed);
    });
  }
}
