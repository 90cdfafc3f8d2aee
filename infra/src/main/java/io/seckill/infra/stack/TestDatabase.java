package io.seckill.infra.stack;

import io.seckill.common.db.PgUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A test's own PostgreSQL database, read and written with plain JDBC (one connection per call): the
 * rows a harness seeds and the figures a test asserts. {@code ?} parameters; failures are unchecked
 * and name the statement.
 */
public final class TestDatabase {
  private final String jdbcUrl;

  private TestDatabase(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /** The database at a {@code postgresql://} URL (as in SECKILL_PG_URL). */
  public static TestDatabase at(String pgUrl) {
    return new TestDatabase(PgUrls.toJdbc(pgUrl));
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl);
  }

  /** Runs a statement; without {@code args} it may be several ({@code BEGIN; ...; COMMIT}), sent as one. */
  public void execute(String sql, Object... args) {
    try (Connection c = connect()) {
      if (args.length == 0) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        }
      } else {
        try (PreparedStatement s = prepare(c, sql, args)) {
          s.execute();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row as a number (a count, a sum, a remaining stock). */
  public long number(String query, Object... args) {
    try (Connection c = connect(); PreparedStatement s = prepare(c, query, args); ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException(query + ": no row");
      }
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(query + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row as text, or null when there is no row. */
  public String text(String query, Object... args) {
    try (Connection c = connect(); PreparedStatement s = prepare(c, query, args); ResultSet rs = s.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(query + ": " + e.getMessage(), e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i]);
    }
    return s;
  }
}
