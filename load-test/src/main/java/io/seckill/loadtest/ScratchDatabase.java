package io.seckill.loadtest;

import io.seckill.common.db.PgUrls;
import io.seckill.common.db.SchemaMigrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL ceiling's scratch database: created on the stack's server and migrated with the
 * project's own Flyway migrations (so pgbench inserts into exactly the orders schema the consumer
 * writes), and dropped afterwards.
 *
 * <p>Usage: {@code ScratchDatabase create <any-db-url-on-the-server> <name>} prints the new URL;
 * {@code ScratchDatabase drop <url> <name>}.
 */
public final class ScratchDatabase {
  private ScratchDatabase() {
  }

  public static void main(String[] args) throws SQLException {
    if (args.length != 3 || !args[2].matches("[a-z_][a-z0-9_]{0,62}")) {
      System.err.println("usage: ScratchDatabase create|drop <postgresql-url> <name: lower-case identifier>");
      System.exit(2);
    }
    String admin = PgUrls.withDatabase(args[1], "postgres");
    String name = args[2];
    switch (args[0]) {
      case "create" -> {
        execute(admin, "DROP DATABASE IF EXISTS " + name);
        execute(admin, "CREATE DATABASE " + name);
        String url = PgUrls.withDatabase(args[1], name);
        SchemaMigrator.migrate(url);
        System.out.println(url);
      }
      case "drop" -> execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      default -> {
        System.err.println("unknown command " + args[0]);
        System.exit(2);
      }
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(url)); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
