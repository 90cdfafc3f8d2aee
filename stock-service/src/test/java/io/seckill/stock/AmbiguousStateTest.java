package io.seckill.stock;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.redis.Reservations;
import io.seckill.common.redis.SeckillScripts;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis' view of a sale when a step lands at an awkward moment: an order persisted while a warm-up holds a
 * database snapshot, a release that overtakes its own reservation, a return applied to Redis but not yet
 * marked applied in the database, an orphan settled while its record might still arrive.
 */
class AmbiguousStateTest extends OneStockServiceTest {
  @Override
  protected Map<String, String> overrides() {
    return Map.of("SECKILL_ORPHAN_AFTER_MS", "1000", "SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", "500",
        "SECKILL_KAFKA_MAX_BLOCK_MS", "100");
  }

  @Test
  void aWarmUpWhoseSnapshotMissesAnOrderPersistedMeanwhileIsRefusedInsteadOfCountingItsUnitBack() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    Bucket bucket = Bucket.root(saleId);
    String orderId = harness.reserve(saleId, "ann", 1);
    // The warm-up reads the version and takes its DB snapshot while the order is still only in Redis.
    String versionBeforeSnapshot = version(bucket);
    long remainingInSnapshot = harness.remaining(saleId);
    // Then the consumer commits the order and takes it out of pending, before warmup.lua runs.
    harness.insertOrder(saleId, orderId, "ann", 1, 0);
    harness.persisted(saleId, orderId, "ann", 1);

    Response answer = warmupScript(saleId, remainingInSnapshot, versionBeforeSnapshot);

    assertThat(answer.get(0).toString()).as("warmup.lua on a stale snapshot").isEqualTo("MOVED");
    assertThat(harness.redisStock(saleId)).as("stock untouched").isEqualTo(9);
    assertThat(harness.jedis.hget(Bucket.root(saleId).buyers(), "ann")).as("the shopper is still known").isEqualTo(orderId);
    // The warm-up the operator asked for retries from a fresh snapshot and gets it right.
    HttpResponse<String> warm = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);
    assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
    assertThat(harness.redisStock(saleId)).isEqualTo(9);
    assertThat(harness.jedis.hget(Bucket.root(saleId).buyers(), "ann")).isEqualTo(orderId);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aWarmUpKeepsTheShopperOfAnInFlightOrderWhoseStatusHashExpired() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    String orderId = harness.reserve(saleId, "bob", 1);
    harness.jedis.del(RedisKeys.order(orderId));

    HttpResponse<String> warm = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);

    assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
    assertThat(harness.jedis.hget(Bucket.root(saleId).buyers(), "bob")).as("bob's in-flight order").isEqualTo(orderId);
    assertThat(harness.redisStock(saleId)).as("its unit stays taken").isEqualTo(9);
  }

  @Test
  void aReleaseThatOvertakesItsReservationLeavesATombstoneSoTheLateReserveTakesNothing() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    String orderId = OrderIds.next(saleId);
    // The gateway gave up on reserve.lua (timeout) and released; the release ran first, on another connection.
    Response released = Reservations.release(harness.redis, orderId, "cat", 1, "FAILED", "UNAVAILABLE",
        StockHarness.TTL_S).await();
    assertThat(released.get(0).toInteger()).as("nothing to release yet").isZero();

    Response late = SeckillScripts.RESERVE.run(harness.redis, List.of(Bucket.root(saleId).stock(), Bucket.root(saleId).meta(),
        Bucket.root(saleId).buyers(), Bucket.root(saleId).pending(), Bucket.root(saleId).stock(), RedisKeys.order(orderId),
        Bucket.root(saleId).spilled()), List.of("cat", orderId, "1", Integer.toString(StockHarness.TTL_S), "test")).await();

    assertThat(late.get(0).toString()).isEqualTo("RELEASED");
    assertThat(harness.redisStock(saleId)).isEqualTo(10);
    assertThat(harness.jedis.hget(Bucket.root(saleId).buyers(), "cat")).isNull();
    assertThat(harness.jedis.zcard(Bucket.root(saleId).pending())).isZero();
    assertThat(harness.jedis.hget(RedisKeys.order(orderId), "status")).isEqualTo("FAILED");
  }

  @Test
  void theReconcilerDoesNotLowerStockForAReturnAppliedToRedisButNotYetMarkedApplied() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    String orderId = harness.order(saleId, "dan", 1, 0);
    // The cancel commits (remaining back up, an unapplied stock_return row), return.lua runs, and the
    // reconciler looks before the row is marked applied.
    harness.sql("UPDATE orders SET status = 'CANCELLED' WHERE order_id = '" + orderId + "'");
    harness.sql("UPDATE sale SET remaining = remaining + 1 WHERE sale_id = " + saleId);
    harness.sql("INSERT INTO stock_return (order_id, sale_id, quantity, cause, applied_to_redis) VALUES ('" + orderId
        + "', " + saleId + ", 1, 'CANCELLED', false)");
    Bucket bucket = Bucket.of(orderId);
    SeckillScripts.RETURN.run(harness.redis, List.of(bucket.stock(), bucket.returned(), bucket.pending(),
        bucket.order(orderId), bucket.version()), List.of(orderId, "1", "CANCELLED",
        Integer.toString(StockHarness.TTL_S))).await();
    assertThat(harness.redisStock(saleId)).isEqualTo(10);

    JsonObject report = StockHarness.json(harness.post(service, "/admin/v1/sales/" + saleId + "/reconcile", null, true));

    assertThat(report.getValue("stockHealed")).as(report.encodePrettily()).isNull();
    assertThat(report.getLong("unappliedReturnUnits")).isZero();
    assertThat(harness.redisStock(saleId)).as("Redis stock after reconciling").isEqualTo(10);
    assertThat(report.getLong("drift")).isZero();
  }

  @Test
  void anOrphanIsFencedInTheDatabaseBeforeItsStockGoesBackSoALateRecordCannotRevive() throws Exception {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    String orphan = harness.reserve(saleId, "eve", 1);
    harness.jedis.zadd(Bucket.root(saleId).pending(), System.currentTimeMillis() - 5_000, orphan);

    JsonObject report = StockHarness.json(harness.post(service, "/admin/v1/sales/" + saleId + "/reconcile", null, true));

    assertThat(report.getJsonArray("orphansReleased").getList()).as(report.encodePrettily()).containsExactly(orphan);
    assertThat(harness.text("SELECT status || '/' || reason FROM orders WHERE order_id = '" + orphan + "'"))
        .isEqualTo("FAILED/ORPHANED");
    assertThat(harness.redisStock(saleId)).isEqualTo(10);
    // The record of that order reaching the consumer now: its insert conflicts on the primary key.
    try (var c = harness.connect(); var s = c.createStatement()) {
      int inserted = s.executeUpdate("INSERT INTO orders (order_id, sale_id, user_id, quantity, status) VALUES ('"
          + orphan + "', " + saleId + ", 'eve', 1, 'PENDING_PAYMENT') ON CONFLICT DO NOTHING");
      assertThat(inserted).as("a late record of the fenced order").isZero();
    }
    harness.assertInvariants(saleId, List.of());
  }

  private String version(Bucket bucket) {
    String v = harness.jedis.get(bucket.version());
    return v == null ? "0" : v;
  }

  /** warmup.lua for an unsplit sale with no buyers, returns or spills in the snapshot, as SaleWarmup calls it. */
  private Response warmupScript(long saleId, long remaining, String version) {
    Bucket b = Bucket.root(saleId);
    long now = System.currentTimeMillis();
    List<String> args = new ArrayList<>(List.of("1", b.tag(), Long.toString(now - 60_000), Long.toString(now + 3_600_000),
        "1", "0", "1000", "Phone", "600", Long.toString(remaining), "1", version, "0", "0", "0", "0"));
    return SeckillScripts.WARMUP.run(harness.redis, List.of(b.stock(), b.meta(), b.buyers(), b.pending(), b.returned(),
        b.spilled(), b.version()), args).await();
  }
}
