package io.seckill.contract;

import io.seckill.common.redis.Bucket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Everything a request could change, as comparable text: every Redis key of the given sales (found
 * by SCAN on {@code seckill:{saleId}:*}, values dumped by type; TTLs left out since they tick) and a
 * full dump of the tables (the operator's blocklist and audit too). Two snapshots are equal exactly when nothing changed.
 */
record StateSnapshot(Map<String, String> redis, Map<String, List<String>> tables) {
  private static final List<String> TABLES = List.of(
      "SELECT * FROM sale ORDER BY sale_id",
      "SELECT * FROM orders ORDER BY order_id",
      "SELECT * FROM payment_event ORDER BY payment_id",
      "SELECT * FROM stock_return ORDER BY order_id",
      "SELECT * FROM blocked_user ORDER BY user_id",
      "SELECT * FROM admin_audit ORDER BY audit_id");

  static StateSnapshot take(ContractSystem system, Collection<Long> saleIds) throws Exception {
    try (Jedis jedis = system.redis(); Connection db = system.db()) {
      return take(db, jedis, saleIds);
    }
  }

  /** With connections the caller keeps open (a snapshot per table row stays cheap). */
  static StateSnapshot take(Connection db, Jedis jedis, Collection<Long> saleIds) throws Exception {
    Map<String, String> redis = new TreeMap<>();
    {
      for (long saleId : saleIds) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(Bucket.root(saleId).tag().replace("{", "\\{").replace("}", "\\}") + "*").count(100_000);
        do {
          ScanResult<String> page = jedis.scan(cursor, match);
          for (String key : page.getResult()) {
            redis.put(key, dump(jedis, key));
          }
          cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
      }
    }
    Map<String, List<String>> tables = new TreeMap<>();
    try (Statement s = db.createStatement()) {
      for (String query : TABLES) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              row.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
            }
            rows.add(row.toString());
          }
        }
        tables.put(query, rows);
      }
    }
    return new StateSnapshot(redis, tables);
  }

  private static String dump(Jedis jedis, String key) {
    String type = jedis.type(key);
    return switch (type) {
      case "string" -> "string:" + jedis.get(key);
      case "hash" -> "hash:" + new TreeMap<>(jedis.hgetAll(key));
      case "set" -> "set:" + new TreeSet<>(jedis.smembers(key));
      case "zset" -> "zset:" + jedis.zrangeWithScores(key, 0, -1);
      case "list" -> "list:" + jedis.lrange(key, 0, -1);
      default -> type;
    };
  }
}
