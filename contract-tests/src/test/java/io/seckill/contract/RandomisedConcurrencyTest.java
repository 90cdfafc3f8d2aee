package io.seckill.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * Property-style: several actors interleave buys, duplicate buys, cancels, payments, replayed and late
 * payments at random (seeded) across 60 shoppers and 3 small sales whose orders time out after 10 s;
 * then, once nothing is in flight, the invariants of docs/architecture.md hold. A failure names its seed:
 * {@code -Dseckill.seed=N} replays the same choices (thread timing still varies).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RandomisedConcurrencyTest {
  static final int SHOPPERS = 60;
  static final int SALES = 3;
  static final int STOCK_PER_SALE = 10;
  static final int ACTORS = 6;
  static final int PAYMENT_TIMEOUT_S = 10;

  private final long seed = seed();
  private final int seconds = Integer.getInteger("seckill.concurrency.seconds", 30);
  private ContractSystem system;
  private final List<Long> sales = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    System.out.println("RandomisedConcurrencyTest seed " + seed + " (rerun with -Dseckill.seed=" + seed + ")");
    // The reconciler is slowed to once an hour so it cannot heal drift the primary paths would leave behind.
    system = ContractSystem.start("concurrency", Map.of("SECKILL_SWEEP_INTERVAL_MS", "200",
        "SECKILL_RECONCILE_INTERVAL_MS", "3600000", "SECKILL_RATE_USER_PER_S", "100000", "SECKILL_RATE_USER_BURST", "100000",
        "SECKILL_RATE_IP_PER_S", "100000", "SECKILL_RATE_IP_BURST", "100000"));
    for (int i = 0; i < SALES; i++) {
      sales.add(system.createSale(STOCK_PER_SALE, 2, PAYMENT_TIMEOUT_S, false, 0));
    }
  }

  @AfterAll
  void stop() {
    if (system != null) {
      system.close();
    }
  }

  private static long seed() {
    String configured = System.getProperty("seckill.seed", "");
    return configured.isBlank() ? new java.security.SecureRandom().nextLong() : Long.parseLong(configured.trim());
  }

  private String at(String what) {
    return "[seed " + seed + ", rerun with -Dseckill.seed=" + seed + "] " + what;
  }

  @Test
  void randomInterleavingsOfBuyCancelPayAndTimeoutKeepEveryInvariant() throws Exception {
    Shoppers world = new Shoppers(system, sales, SHOPPERS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(ACTORS);
    List<Future<?>> actors = new ArrayList<>();
    for (int i = 0; i < ACTORS; i++) {
      actors.add(pool.submit(new Actor(world, new java.util.Random(seed * 31 + i), deadline, i)::run));
    }
    for (Future<?> actor : actors) {
      actor.get(seconds + 120L, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(world.violations()).as(at("answers outside the contract during the run")).isEmpty();
    assertThat(world.acknowledged()).as(at("orders acknowledged")).isNotEmpty();

    long[] saleIds = sales.stream().mapToLong(Long::longValue).toArray();
    Quiescence.awaitPersisted(system, saleIds);
    // Every order left unpaid times out: afterwards no order can change under the checks below.
    await().atMost(Duration.ofSeconds(PAYMENT_TIMEOUT_S + 30)).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(count("SELECT count(*) FROM orders WHERE status = 'PENDING_PAYMENT'"))
            .as(at("orders still awaiting payment")).isZero());
    world.redeliverUnknownOrderPayments();
    Quiescence.awaitPersisted(system, saleIds);
    assertThat(world.violations()).as(at("answers outside the contract during redelivery")).isEmpty();

    for (long saleId : sales) {
      List<String> acked = world.acknowledged().stream().filter(id -> OrderIds.saleIdOf(id) == saleId).toList();
      Invariants.Report report = Invariants.check(system.pgUrl, system.redisUrl, saleId, acked);
      assertThat(report.holds()).as(at("invariants of sale " + saleId + ": " + report)).isTrue();
      assertThat(report.inFlight()).as(at("in flight in sale " + saleId)).isZero();
      try (Jedis redis = system.redis()) {
        assertThat(Long.parseLong(redis.get(Bucket.root(saleId).stock())))
            .as(at("Redis stock of sale " + saleId + " equals the DB remaining"))
            .isEqualTo(count("SELECT remaining FROM sale WHERE sale_id = " + saleId));
      }
    }
    assertThat(count("SELECT count(*) FROM orders o JOIN stock_return r USING (order_id) WHERE o.status = 'PAID'"))
        .as(at("orders both PAID and with their stock returned")).isZero();
    assertThat(rows("SELECT p.payment_id || ' ' || p.outcome FROM payment_event p JOIN orders o USING (order_id) "
        + "WHERE o.status = 'CANCELLED' AND p.outcome <> 'REFUND_REQUIRED'"))
        .as(at("payments of CANCELLED orders not marked REFUND_REQUIRED")).isEmpty();
    assertThat(rows("SELECT order_id FROM payment_event WHERE outcome = 'SUCCEEDED' GROUP BY order_id HAVING count(*) > 1"))
        .as(at("orders paid twice")).isEmpty();
    assertThat(rows("SELECT o.order_id FROM orders o LEFT JOIN payment_event p ON p.payment_id = o.payment_id "
        + "WHERE o.status = 'PAID' AND (p.outcome IS DISTINCT FROM 'SUCCEEDED' OR p.order_id <> o.order_id)"))
        .as(at("PAID orders without their SUCCEEDED payment")).isEmpty();
    assertThat(count("SELECT count(*) FROM orders WHERE reason = 'TIMEOUT'")).as(at("orders cancelled by the payment timeout")).isPositive();
    assertThat(count("SELECT count(*) FROM orders WHERE reason = 'SHOPPER_CANCEL'")).as(at("orders cancelled by their shopper")).isPositive();
    assertThat(count("SELECT count(*) FROM orders WHERE status = 'PAID'")).as(at("paid orders")).isPositive();
    Map<String, String[]> dbOrders = new HashMap<>();
    for (String row : rows("SELECT order_id || ' ' || user_id || ' ' || status FROM orders")) {
      String[] f = row.split(" ");
      dbOrders.put(f[0], f);
    }
    assertThat(dbOrders.keySet()).as(at("every acknowledged order is a row")).containsAll(world.acknowledged());
    for (String[] order : dbOrders.values()) {
      Reply read = system.order(order[0], order[1]);
      assertThat(read.status()).as(at("gateway read of " + order[0] + ": " + read)).isEqualTo(200);
      assertThat(read.json().getString("status")).as(at("gateway status of " + order[0] + " vs its DB status")).isEqualTo(order[2]);
    }
    System.out.println("RandomisedConcurrencyTest seed " + seed + ": " + world.summary() + ", orders by status and reason "
        + rows("SELECT status || '/' || coalesce(reason, '-') || '=' || n FROM (SELECT status, reason, count(*) AS n FROM orders "
        + "GROUP BY status, reason) t ORDER BY 1"));
  }

  private long count(String sql) throws Exception {
    try (Connection db = system.db(); Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection db = system.db(); Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
