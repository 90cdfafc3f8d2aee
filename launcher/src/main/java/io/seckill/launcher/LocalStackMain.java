package io.seckill.launcher;

import io.seckill.common.db.PgUrls;
import io.seckill.common.kafka.Topics;
import io.seckill.infra.LocalInfra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;

/**
 * The infrastructure half of {@code scripts/run-local.sh}: resolves Redis, PostgreSQL and Kafka
 * exactly as the tests do (configured URL, else the standard local port, else embedded), creates
 * the {@code seckill} database and the topics, writes the connection variables to an env file the
 * script sources, and keeps the in-process Kafka broker (and any embedded server) alive until the
 * process is told to stop.
 *
 * <p>Usage: {@code java -jar launcher/target/seckill-launcher.jar <env-file>}
 */
public final class LocalStackMain {
  private static final String DATABASE = "seckill";

  private LocalStackMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: seckill-launcher <env-file>");
      System.exit(2);
    }
    Path envFile = Path.of(args[0]);
    LocalInfra infra = LocalInfra.start(System.getenv());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      infra.close();
      stopped.countDown();
    }, "seckill-launcher-stop"));

    String pgUrl = System.getenv("SECKILL_PG_URL");
    if (pgUrl == null || pgUrl.isBlank()) {
      pgUrl = ensureDatabase(infra.postgresUrl(), DATABASE);
    }
    int partitions = Integer.parseInt(System.getenv().getOrDefault("SECKILL_ORDERS_PARTITIONS", "4"));
    String ordersTopic = System.getenv().getOrDefault("SECKILL_ORDERS_TOPIC", Topics.ORDERS);
    infra.createTopic(ordersTopic, partitions);
    infra.createTopic(System.getenv().getOrDefault("SECKILL_ORDERS_DLQ_TOPIC", Topics.ORDERS_DLQ), 1);

    String env = "SECKILL_REDIS_URL=" + infra.redisUrl() + "\n"
        + "SECKILL_PG_URL=" + pgUrl + "\n"
        + "SECKILL_KAFKA_BOOTSTRAP=" + infra.kafkaBootstrap() + "\n"
        + "SECKILL_INFRA_REDIS=\"" + infra.redisDescription() + "\"\n"
        + "SECKILL_INFRA_PG=\"" + infra.postgresDescription() + "\"\n";
    writeAtomically(envFile, env);
    System.out.println("seckill-launcher: infrastructure ready, variables in " + envFile);
    stopped.await();
  }

  /** Creates the database if it does not exist and returns its URL. */
  static String ensureDatabase(String serverUrl, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(serverUrl));
         PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          c.createStatement().execute("CREATE DATABASE " + name);
        }
      }
    }
    return PgUrls.withDatabase(serverUrl, name);
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
