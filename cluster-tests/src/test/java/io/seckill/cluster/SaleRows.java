package io.seckill.cluster;

import io.seckill.common.db.PgUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** What PostgreSQL holds for a sale, read straight from the tables. */
final class SaleRows {
  private final String pgUrl;

  SaleRows(String pgUrl) {
    this.pgUrl = pgUrl;
  }

  /** order id -> status of every order row of the sale. */
  Map<String, String> statuses(long saleId) throws SQLException {
    Map<String, String> statuses = new HashMap<>();
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(pgUrl));
         PreparedStatement s = c.prepareStatement("SELECT order_id, status FROM orders WHERE sale_id = ?")) {
      s.setLong(1, saleId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          statuses.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return statuses;
  }

  /** Rows per order id (more than 1 would be a double insert). */
  long rowsOf(String orderId) throws SQLException {
    return single("SELECT count(*) FROM orders WHERE order_id = ?", orderId);
  }

  long remaining(long saleId) throws SQLException {
    return single("SELECT remaining FROM sale WHERE sale_id = ?", saleId);
  }

  private long single(String sql, Object param) throws SQLException {
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(pgUrl));
         PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, param);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
