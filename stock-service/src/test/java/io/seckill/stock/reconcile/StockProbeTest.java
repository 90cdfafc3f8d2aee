package io.seckill.stock.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.config.Env;
import io.seckill.common.db.PgPools;
import io.seckill.common.redis.Bucket;
import io.seckill.stock.StockConfig;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two reads of a sale's stock, against a real PostgreSQL and Redis: the reconciler's and the operator's. */
class StockProbeTest {

  @Test
  void theReconcilersProbeSeesTheSameStockAsTheOperatorsReportWithoutTheOrderTotals() {
    Vertx vertx = Vertx.vertx();
    try (StockHarness harness = new StockHarness()) {
      StockService service = harness.start(Map.of());
      long saleId = harness.openSale(service, 10, 1000, 3, 600);
      harness.order(saleId, "ann", 2, 0);
      harness.reserve(saleId, "bob", 1);
      Pool pool = PgPools.create(vertx, StockConfig.from(Env.of(harness.env(Map.of()))).pg(), "stock-probe-test");
      StockProbe probe = new StockProbe(pool, harness.redis);

      StockSnapshot reconciled = probe.probe(saleId).await();
      StockSnapshot reported = probe.report(saleId).await();

      for (StockSnapshot snapshot : new StockSnapshot[] {reconciled, reported}) {
        assertThat(snapshot.redisStock()).isEqualTo(7);
        assertThat(snapshot.sale().remaining()).isEqualTo(8);
        assertThat(snapshot.redisBuyers()).isEqualTo(2);
        assertThat(snapshot.inFlight()).hasSize(1);
        assertThat(snapshot.inFlightUnits()).isEqualTo(1);
        assertThat(snapshot.drift()).isZero();
      }
      // What only the operator's view shows: aggregates over every order of the sale, never run by a reconciliation.
      assertThat(reconciled.dbTotals()).isNull();
      assertThat(reconciled.toJson().getJsonObject("db").getMap()).containsOnlyKeys("remaining");
      assertThat(reported.dbTotals().getLong("pendingPayment")).isEqualTo(2);
      assertThat(reported.dbTotals().getJsonObject("orders").getLong("pendingPayment")).isEqualTo(1);
      assertThat(reported.dbTotals().getJsonObject("payments").isEmpty()).isTrue();
      pool.close().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aBacklogLongerThanOneScriptCallIsReadWholeWithEachEntrysCachedShopperAndQuantity() {
    Vertx vertx = Vertx.vertx();
    try (StockHarness harness = new StockHarness()) {
      StockService service = harness.start(Map.of());
      int inFlight = 2 * StockProbe.HASHES_PER_CALL + 7;
      long saleId = harness.openSale(service, 3 * inFlight, 1000, 3, 600);
      Map<String, String> shopperOf = new HashMap<>();
      for (int i = 0; i < inFlight; i++) {
        String user = "u" + i;
        shopperOf.put(harness.reserve(saleId, user, 1 + i % 3), user);
      }
      // One reservation of 2 units whose status hash expired: the drift counts it at the per-user limit (3).
      String expired = shopperOf.entrySet().stream().filter(e -> e.getValue().equals("u1")).findFirst().orElseThrow().getKey();
      harness.jedis.del(Bucket.of(expired).order(expired));
      // One order that is a row already, still pending in Redis: not in flight.
      String persisted = harness.reserve(saleId, "row", 2);
      harness.insertOrder(saleId, persisted, "row", 2, 0);
      Pool pool = PgPools.create(vertx, StockConfig.from(Env.of(harness.env(Map.of()))).pg(), "stock-probe-test");

      StockSnapshot snapshot = new StockProbe(pool, harness.redis).probe(saleId).await();

      assertThat(snapshot.pending()).hasSize(inFlight + 1);
      assertThat(snapshot.inFlight()).hasSize(inFlight);
      long units = 0;
      for (StockSnapshot.PendingEntry entry : snapshot.inFlight()) {
        if (entry.orderId().equals(expired)) {
          assertThat(entry.cachedUserId()).isNull();
          assertThat(entry.cachedQuantity()).isNull();
          units += 3;
          continue;
        }
        String user = shopperOf.get(entry.orderId());
        int quantity = 1 + Integer.parseInt(user.substring(1)) % 3;
        assertThat(entry.cachedUserId()).as(entry.orderId()).isEqualTo(user);
        assertThat(entry.cachedQuantity()).as(entry.orderId()).isEqualTo(quantity);
        units += quantity;
      }
      assertThat(snapshot.inFlightUnits()).isEqualTo(units);
      assertThat(snapshot.pending()).filteredOn(e -> e.orderId().equals(persisted)).singleElement()
          .satisfies(row -> assertThat(row.dbStatus()).isEqualTo("PENDING_PAYMENT"));
      // The expired entry counts one unit more than it reserved: a snapshot may over-count what is in flight,
      // never under-count it.
      assertThat(snapshot.drift()).isEqualTo(1);
      pool.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
