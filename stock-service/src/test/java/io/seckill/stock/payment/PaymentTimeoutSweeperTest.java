package io.seckill.stock.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Two stock-service instances sweep the same database at once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentTimeoutSweeperTest {
  private StockHarness harness;
  private StockService first;
  private StockService second;

  @BeforeAll
  void start() {
    harness = new StockHarness();
    first = harness.start(Map.of("SECKILL_SWEEP_INTERVAL_MS", "20"));
    second = harness.start(Map.of("SECKILL_SWEEP_INTERVAL_MS", "20"));
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  @Test
  void twoSweepersRunningAtOnceReturnEachTimedOutOrderExactlyOnceAndLeaveLiveOrdersAlone() {
    int timedOut = 40;
    Set<String> timeout = Set.of("cause=\"TIMEOUT\"");
    // The services outlive one test: count the returns this test causes, not those of the others.
    double countedBefore = value(harness.metric(first, "seckill_stock_returns_total", timeout))
        + value(harness.metric(second, "seckill_stock_returns_total", timeout));
    long saleId = harness.openSale(first, 100, 1000, 2, 10);
    List<String> expired = new ArrayList<>();
    for (int i = 0; i < timedOut; i++) {
      expired.add(harness.order(saleId, "late" + i, 1 + i % 2, 0));
    }
    // All forty fall due in the same instant, so both sweepers reach for the same rows.
    harness.sql("UPDATE orders SET created_at = now() - interval '1 minute' WHERE user_id LIKE 'late%' AND sale_id = " + saleId);
    List<String> live = List.of(harness.order(saleId, "fresh0", 2, 0), harness.order(saleId, "fresh1", 1, 0));
    int expiredUnits = expired.size() / 2 * 3;

    await().atMost(Duration.ofSeconds(30)).until(() -> harness.number(
        "SELECT count(*) FROM stock_return WHERE applied_to_redis AND sale_id = " + saleId) == timedOut);

    assertThat(harness.number("SELECT count(*) FROM orders WHERE status = 'CANCELLED' AND reason = 'TIMEOUT' AND sale_id = "
        + saleId)).isEqualTo(timedOut);
    assertThat(live).allSatisfy(id -> assertThat(harness.status(id)).isEqualTo("PENDING_PAYMENT"));
    assertThat(harness.remaining(saleId)).isEqualTo(100 - 3);
    assertThat(harness.redisStock(saleId)).isEqualTo(100 - 3);
    assertThat(harness.jedis.scard(Bucket.root(saleId).returned())).isEqualTo(timedOut);
    assertThat(expiredUnits).isEqualTo(60);
    double counted = value(harness.metric(first, "seckill_stock_returns_total", timeout))
        + value(harness.metric(second, "seckill_stock_returns_total", timeout));
    assertThat(counted - countedBefore).isEqualTo(timedOut);
    List<String> all = new ArrayList<>(expired);
    all.addAll(live);
    harness.assertInvariants(saleId, all);
  }

  @Test
  void eachSaleTimesOutItsOwnOrdersByItsOwnPaymentTimeout() {
    long quick = harness.openSale(first, 10, 1000, 1, 10);
    long patient = harness.openSale(first, 10, 1000, 1, 600);
    String quickOrder = harness.order(quick, "same-age-q", 1, 0);
    String patientOrder = harness.order(patient, "same-age-p", 1, 0);
    // Both orders are a minute old: past the 10 s timeout of one sale, well within the 600 s of the other.
    harness.sql("UPDATE orders SET created_at = now() - interval '1 minute' WHERE user_id LIKE 'same-age-%'");

    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(harness.status(quickOrder)));

    assertThat(harness.status(patientOrder)).isEqualTo("PENDING_PAYMENT");
    assertThat(harness.remaining(quick)).isEqualTo(10);
    assertThat(harness.remaining(patient)).isEqualTo(9);
    harness.assertInvariants(quick, List.of(quickOrder));
    harness.assertInvariants(patient, List.of(patientOrder));
  }

  @Test
  void aReturnThatNeverReachedRedisIsAppliedByTheRetryLoopExactlyOnce() {
    long saleId = harness.openSale(first, 10, 1000, 3, 600);
    String orderId = harness.order(saleId, "gus", 3, 0);
    assertThat(harness.redisStock(saleId)).isEqualTo(7);
    // What a crash (or a Redis outage) right after the cancel transaction leaves behind.
    harness.sql("BEGIN; UPDATE orders SET status = 'CANCELLED', reason = 'SHOPPER_CANCEL' WHERE order_id = '" + orderId
        + "'; UPDATE sale SET remaining = remaining + 3 WHERE sale_id = " + saleId + "; INSERT INTO stock_return"
        + " (order_id, sale_id, quantity, cause) VALUES ('" + orderId + "', " + saleId + ", 3, 'SHOPPER_CANCEL'); COMMIT;");

    await().atMost(Duration.ofSeconds(10)).until(() -> harness.number(
        "SELECT count(*) FROM stock_return WHERE applied_to_redis AND order_id = '" + orderId + "'") == 1);

    assertThat(harness.redisStock(saleId)).isEqualTo(10);
    assertThat(harness.jedis.hget(RedisKeys.order(orderId), "status")).isEqualTo("CANCELLED");
    harness.assertInvariants(saleId, List.of(orderId));
  }

  private static double value(Double sample) {
    return sample == null ? 0 : sample;
  }
}
