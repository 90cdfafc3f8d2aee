package io.seckill.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The last step of scripts/bench.sh: reads the run directory (wrk outputs {@code <phase>-<n>.out},
 * {@code facts.properties}, {@code invariants-*.json}), writes bench-results.json, prints the table,
 * and exits 1 when an invariant is broken (or was never checked).
 *
 * <p>Usage: {@code java -jar seckill-load-test.jar <run-dir> <bench-results.json>}
 */
public final class BenchReport {
  private BenchReport() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: bench-report <run-dir> <bench-results.json>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    JsonObject figures = BenchFigures.compute(wrkRuns(dir, "ceiling"), wrkRuns(dir, "admit"), wrkRuns(dir, "soldout"),
        facts(dir.resolve("facts.properties")), invariants(dir));
    Files.writeString(Path.of(args[1]), figures.encodePrettily() + "\n", StandardCharsets.UTF_8);
    printTable(figures, System.out);
    System.exit(figures.getBoolean("invariants_hold") ? 0 : 1);
  }

  static List<WrkResult> wrkRuns(Path dir, String phase) throws IOException {
    List<WrkResult> results = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches(phase + "-\\d+\\.out")).sorted().toList()) {
        results.add(WrkResult.parse(Files.readString(file)));
      }
    }
    return results;
  }

  static Map<String, String> facts(Path file) throws IOException {
    Map<String, String> facts = new LinkedHashMap<>();
    if (Files.exists(file)) {
      Properties properties = new Properties();
      try (Reader in = Files.newBufferedReader(file)) {
        properties.load(in);
      }
      properties.stringPropertyNames().forEach(name -> facts.put(name, properties.getProperty(name)));
    }
    return facts;
  }

  static List<JsonObject> invariants(Path dir) throws IOException {
    List<JsonObject> reports = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches("invariants-.*\\.json")).sorted().toList()) {
        String text = Files.readString(file).trim();
        if (!text.isEmpty()) {
          reports.add(new JsonObject(text));
        }
      }
    }
    return reports;
  }

  static void printTable(JsonObject f, PrintStream out) {
    String row = "%-34s %14s   %s%n";
    out.println();
    out.printf(row, "figure", "value", "meaning");
    out.printf(row, "-".repeat(34), "-".repeat(14), "-".repeat(50));
    out.printf(row, "ceiling_rps", f.getValue("ceiling_rps"), "bare Vert.x server, same wrk load (median)");
    out.printf(row, "admit_rps", f.getValue("admit_rps"), "202 admitted per second (median)");
    out.printf(row, "admit_p50/p90/p99/max_ms", f.getValue("admit_p50_ms") + "/" + f.getValue("admit_p90_ms") + "/"
        + f.getValue("admit_p99_ms") + "/" + f.getValue("admit_max_ms"), "admission latency");
    out.printf(row, "admit_ratio", f.getValue("admit_ratio"), "admit_rps / ceiling_rps");
    out.printf(row, "soldout_rps", f.getValue("soldout_rps"), "409 SOLD_OUT per second (median)");
    out.printf(row, "soldout_p50/p90/p99/max_ms", f.getValue("soldout_p50_ms") + "/" + f.getValue("soldout_p90_ms") + "/"
        + f.getValue("soldout_p99_ms") + "/" + f.getValue("soldout_max_ms"), "sold-out latency");
    out.printf(row, "soldout_ratio", f.getValue("soldout_ratio"), "soldout_rps / ceiling_rps");
    out.printf(row, "drain_orders_per_s", f.getValue("drain_orders_per_s"),
        f.getValue("drain_orders") + " orders, first admission -> last row in PostgreSQL");
    out.printf(row, "consumer_backlog_orders_per_s", f.getValue("consumer_backlog_orders_per_s"),
        f.getValue("consumer_backlog_orders") + " queued orders drained by a restarted consumer");
    out.printf(row, "pg_ceiling_rows_per_s", f.getValue("pg_ceiling_rows_per_s"), "pgbench batched inserts, same schema");
    out.printf(row, "drain_ratio", f.getValue("drain_ratio"), "drain_orders_per_s / pg_ceiling_rows_per_s");
    out.printf(row, "consumer_backlog_ratio", f.getValue("consumer_backlog_ratio"), "consumer_backlog_orders_per_s / pg_ceiling_rows_per_s");
    for (String key : List.of("oversold", "duplicate_orders", "lost_orders", "drift", "accounting_gap")) {
      out.printf(row, key, f.getValue(key), "must be 0");
    }
    JsonObject gatling = f.getJsonObject("gatling");
    if (gatling != null) {
      out.printf(row, "gatling buy p99_ms", gatling.getValue("buy_p99_ms"), "realistic flow at "
          + f.getJsonObject("settings").getValue("gatling_users_per_s") + " shoppers/s (target <= 10 ms, not asserted)");
    }
    out.printf(row, "invariants_hold", f.getValue("invariants_hold"), f.getValue("acknowledged_orders") + " acknowledged orders checked");
    out.println();
  }
}
