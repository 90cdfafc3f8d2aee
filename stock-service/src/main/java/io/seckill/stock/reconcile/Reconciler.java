package io.seckill.stock.reconcile;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares each active sale's Redis state with PostgreSQL, heals what it safely can, and exports the
 * drift. Healing, in order: pending entries that are rows already leave {@code pending}, and reservations
 * orphaned by a gateway that died between Redis and Kafka are released ({@link PendingSettlement}); then the
 * stock itself is corrected ({@link StockHealing}).
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Pool pool;
  private final StockProbe probe;
  private final KafkaLag kafkaLag;
  private final PendingSettlement settlement;
  private final StockHealing healing;
  private final StockGauges gauges;

  public Reconciler(Pool pool, StockProbe probe, KafkaLag kafkaLag, PendingSettlement settlement, StockHealing healing,
                    StockGauges gauges) {
    this.pool = pool;
    this.probe = probe;
    this.kafkaLag = kafkaLag;
    this.settlement = settlement;
    this.healing = healing;
    this.gauges = gauges;
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
   * Fail-closed: if Kafka cannot say, no reservation is treated as orphaned.
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
    // The stock is measured again after settling only if settling changed something: each probe reads every
    // pending order, which with a consumer backlog is tens of thousands. Healing re-checks what it read atomically.
    return probe.probe(saleId)
        .compose(before -> settlement.settleAndRelease(before, lagFree, settled, orphans).map(before))
        .compose(before -> (settled.isEmpty() && orphans.isEmpty() ? Future.succeededFuture(before) : probe.probe(saleId))
            .compose(measured -> healAndReport(saleId, lagFree, before, measured, settled, orphans)));
  }

  private Future<JsonObject> healAndReport(long saleId, boolean lagFree, StockSnapshot before, StockSnapshot measured,
                                           JsonArray settled, JsonArray orphans) {
    return healing.heal(measured).map(healed -> {
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
    });
  }
}
