package io.seckill.stock.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.config.Env;
import io.seckill.common.db.PgPools;
import io.seckill.stock.StockConfig;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
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
}
