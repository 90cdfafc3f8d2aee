package io.seckill.loadtest;

import io.seckill.infra.Invariants;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads PostgreSQL and Redis after the bench and prints {@link Invariants.Report} of one sale as a
 * JSON line. The acknowledged set is what the shoppers were told: the orderIds of every 202 the wrk
 * script received (files {@code *.ids} in --acked-dir, one id a line), not Redis' own buyers hash,
 * so an order Redis forgot would still count as lost.
 *
 * <p>Usage: {@code java -cp seckill-load-test.jar io.seckill.loadtest.CheckInvariants --pg URL
 * --redis URL --sale 42 --acked-dir DIR [--acked-prefix admit-] [--redis-mode cluster]}; in cluster mode
 * --redis is the comma-separated node list of SECKILL_REDIS_URL and the sale's keys are read from the
 * node holding their slot ({@link Invariants#checkCluster}).
 */
public final class CheckInvariants {
  private CheckInvariants() {
  }

  public static void main(String[] args) throws IOException {
    CliArgs cli = new CliArgs(args);
    long saleId = Long.parseLong(cli.required("--sale"));
    Set<String> acknowledged = readAcknowledged(Path.of(cli.required("--acked-dir")), cli.optional("--acked-prefix", ""));
    String redis = cli.required("--redis");
    Invariants.Report report = cli.optional("--redis-mode", "standalone").equals("cluster")
        ? Invariants.checkCluster(cli.required("--pg"), List.of(redis.split(",")), saleId, acknowledged)
        : Invariants.check(cli.required("--pg"), redis, saleId, acknowledged);
    System.out.println(toJson(report, acknowledged.size()).encode());
    System.exit(report.holds() ? 0 : 1);
  }

  static Set<String> readAcknowledged(Path dir, String prefix) throws IOException {
    Set<String> ids = new HashSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)
          && f.getFileName().toString().endsWith(".ids")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            ids.add(line.trim());
          }
        }
      }
    }
    return ids;
  }

  static JsonObject toJson(Invariants.Report report, int acknowledged) {
    return new JsonObject()
        .put("sale_id", report.saleId())
        .put("acknowledged", acknowledged)
        .put("oversold", report.oversold())
        .put("accounting_gap", report.accountingGap())
        .put("duplicate_orders", report.duplicateShoppers())
        .put("lost_orders", report.lostOrders())
        .put("drift", report.drift())
        .put("in_flight", report.inFlight())
        .put("holds", report.holds());
  }
}
