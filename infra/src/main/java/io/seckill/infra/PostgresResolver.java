package io.seckill.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import io.seckill.common.db.PgUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a PostgreSQL in the order docs/architecture.md gives: the configured URL, else the standard
 * local port (users postgres, then root, trust auth), else an embedded server from the zonky
 * binaries. URLs are in the {@code postgresql://user@host:port/db} form the services read.
 */
final class PostgresResolver {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresResolver.class);

  private PostgresResolver() {
  }

  static Resolved<String> resolve(String configuredUrl) {
    if (configuredUrl != null && !configuredUrl.isBlank()) {
      return Resolved.external(configuredUrl, "configured");
    }
    if (Ports.answers("127.0.0.1", 5432)) {
      for (String user : List.of("postgres", "root")) {
        String url = "postgresql://" + user + "@127.0.0.1:5432/postgres";
        if (canConnect(url)) {
          return Resolved.external(url, "local port 5432");
        }
      }
    }
    return startEmbedded();
  }

  private static Resolved<String> startEmbedded() {
    try {
      int port = Ports.freePort();
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port).start();
      LOG.info("started embedded PostgreSQL on port {}", port);
      return Resolved.owned("postgresql://postgres@127.0.0.1:" + port + "/postgres",
          "embedded PostgreSQL on port " + port, pg::close);
    } catch (IOException e) {
      throw new IllegalStateException("could not start embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  static boolean canConnect(String url) {
    try (Connection ignored = DriverManager.getConnection(PgUrls.toJdbc(url))) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}
