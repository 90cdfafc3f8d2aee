package io.seckill.infra;

import io.seckill.common.db.PgUrls;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.JedisCommands;

/**
 * Reads PostgreSQL and Redis after a run and reports the invariants of docs/architecture.md as numbers
 * that must all be 0. Shared by every test, the fault suite and the benchmark.
 */
public final class Invariants {
  private Invariants() {
  }

  /**
   * @param oversold          units sold beyond the initial stock
   * @param accountingGap     |initial_stock - remaining - Σ live quantities| (no unit lost or double-counted)
   * @param duplicateShoppers shoppers holding more than one live order in the sale
   * @param lostOrders        acknowledged orders with neither a row nor an explicit FAILED status
   * @param drift             Redis stock - (DB remaining - quantity of orders still in flight)
   * @param inFlight          orders reserved in Redis and not yet in the DB
   */
  public record Report(long saleId, long oversold, long accountingGap, long duplicateShoppers, long lostOrders,
                       long drift, long inFlight) {
    public boolean holds() {
      return oversold == 0 && accountingGap == 0 && duplicateShoppers == 0 && lostOrders == 0 && drift == 0;
    }
  }

  public static Report check(String pgUrl, String redisUrl, long saleId, Collection<String> acknowledgedOrderIds) {
    try (Jedis redis = new Jedis(java.net.URI.create(redisUrl))) {
      return check(pgUrl, redis, saleId, acknowledgedOrderIds);
    }
  }

  /** The same check against a Redis Cluster: the sale's keys are read from whichever node holds their slot. */
  public static Report checkCluster(String pgUrl, Collection<String> clusterNodeUrls, long saleId,
                                    Collection<String> acknowledgedOrderIds) {
    Set<HostAndPort> nodes = new HashSet<>();
    for (String url : clusterNodeUrls) {
      java.net.URI uri = java.net.URI.create(url.trim());
      nodes.add(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()));
    }
    try (JedisCluster redis = new JedisCluster(nodes)) {
      return check(pgUrl, redis, saleId, acknowledgedOrderIds);
    }
  }

  private static Report check(String pgUrl, JedisCommands redis, long saleId, Collection<String> acknowledgedOrderIds) {
    try (Connection db = DriverManager.getConnection(PgUrls.toJdbc(pgUrl))) {
      long initial;
      long remaining;
      int buckets;
      try (PreparedStatement s = db.prepareStatement(
          "SELECT initial_stock, remaining, stock_buckets FROM sale WHERE sale_id = ?")) {
        s.setLong(1, saleId);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException("sale " + saleId + " not in the database");
          }
          initial = rs.getLong(1);
          remaining = rs.getLong(2);
          buckets = rs.getInt(3);
        }
      }
      long live = single(db, "SELECT coalesce(sum(quantity), 0) FROM orders WHERE sale_id = ? AND status IN ('PENDING_PAYMENT', 'PAID')", saleId);
      long duplicates = single(db, "SELECT count(*) FROM (SELECT user_id FROM orders WHERE sale_id = ? AND status <> 'FAILED' GROUP BY user_id HAVING count(*) > 1) d", saleId);
      Set<String> inDb = new HashSet<>();
      try (PreparedStatement s = db.prepareStatement("SELECT order_id FROM orders WHERE sale_id = ?")) {
        s.setLong(1, saleId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            inDb.add(rs.getString(1));
          }
        }
      }
      long lost = 0;
      for (String orderId : acknowledgedOrderIds) {
        if (!inDb.contains(orderId) && !"FAILED".equals(redis.hget(RedisKeys.order(orderId), "status"))) {
          lost++;
        }
      }
      // A sale split into stock buckets: Redis stock and in-flight orders are summed over every bucket.
      long inFlightQuantity = 0;
      long inFlight = 0;
      long redisStock = 0;
      boolean warm = false;
      for (Bucket bucket : Bucket.all(saleId, buckets)) {
        for (String orderId : redis.zrange(bucket.pending(), 0, -1)) {
          if (!inDb.contains(orderId)) {
            String quantity = redis.hget(bucket.order(orderId), "quantity");
            inFlightQuantity += quantity == null ? 0 : Long.parseLong(quantity);
            inFlight++;
          }
        }
        String stock = redis.get(bucket.stock());
        warm |= stock != null;
        redisStock += stock == null ? 0 : Long.parseLong(stock);
      }
      long drift = warm ? redisStock - (remaining - inFlightQuantity) : 0;
      return new Report(saleId, Math.max(0, live - initial), Math.abs(initial - remaining - live), duplicates, lost,
          drift, inFlight);
    } catch (SQLException e) {
      throw new IllegalStateException("invariant check failed to read the database: " + e.getMessage(), e);
    }
  }

  private static long single(Connection db, String sql, long saleId) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      s.setLong(1, saleId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
