package io.seckill.fault;

import static org.awaitility.Awaitility.await;

import io.seckill.common.db.PgUrls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Interrupts PostgreSQL under a running sale: a real restart of the machine's cluster when this runs
 * as root against the local server on 5432 ({@code pg_ctlcluster --skip-systemctl-redirect <v> main
 * restart}), else every connection of the scenario's database dropped and refused for a few seconds.
 * {@code -Dseckill.fault.pgRestart=drop} forces the second (the restart also interrupts other users of
 * the server).
 */
final class PostgresOutage {
  private static final Duration REFUSAL = Duration.ofSeconds(4);

  private PostgresOutage() {
  }

  /** @return what was done, for the report line */
  static String interrupt(String adminUrl, String scenarioDbUrl) throws Exception {
    String version = restartableVersion(adminUrl);
    if (version != null && !"drop".equals(System.getProperty("seckill.fault.pgRestart"))) {
      Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart",
          "-m", "fast").redirectErrorStream(true).start();
      String output = new String(restart.getInputStream().readAllBytes());
      if (restart.waitFor(60, TimeUnit.SECONDS) && restart.exitValue() == 0) {
        awaitAccepting(adminUrl);
        return "restarted for real (pg_ctlcluster " + version + " main restart -m fast)";
      }
      System.out.println("pg_ctlcluster restart failed (" + output.strip() + "); dropping connections instead");
      awaitAccepting(adminUrl);
    }
    dropConnections(adminUrl, URI.create(scenarioDbUrl).getPath().substring(1));
    return "connections dropped and refused for " + REFUSAL.toSeconds() + " s (ALLOW_CONNECTIONS false + pg_terminate_backend)";
  }

  private static String restartableVersion(String adminUrl) throws IOException {
    URI uri = URI.create(adminUrl);
    boolean local = ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost())) && uri.getPort() == 5432;
    Path clusters = Path.of("/etc/postgresql");
    if (!local || !"root".equals(System.getProperty("user.name")) || !Files.isDirectory(clusters)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(clusters)) {
      List<String> found = versions.filter(v -> Files.isDirectory(v.resolve("main")))
          .map(v -> v.getFileName().toString()).sorted().toList();
      return found.size() == 1 ? found.get(0) : null;
    }
  }

  private static void dropConnections(String adminUrl, String database) throws SQLException {
    try (Connection admin = DriverManager.getConnection(PgUrls.toJdbc(adminUrl)); Statement s = admin.createStatement()) {
      s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
      try {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
            + "' AND pid <> pg_backend_pid()");
        // The database stays closed for a while, so retries and pools see a real outage, not one reset.
        await().pollDelay(REFUSAL).atMost(REFUSAL.plusSeconds(5)).until(() -> true);
      } finally {
        s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
      }
    }
  }

  private static void awaitAccepting(String adminUrl) {
    await("PostgreSQL accepting connections").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> {
          try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(adminUrl))) {
            return c.isValid(2);
          }
        });
  }
}
