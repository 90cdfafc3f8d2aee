package io.seckill.loadtest;

import io.vertx.core.json.JsonArray;
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
        facts(dir.resolve("facts.properties")), invariants(dir), coldOpenAnswers(dir));
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

  /** Every line the cold-open wrk run's threads wrote ({@code cold-timings-<thread>.txt}); none when it did not run. */
  static List<ColdOpen.Answer> coldOpenAnswers(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches("cold-timings-\\d+\\.txt")).sorted().toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    return ColdOpen.parse(lines);
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
    JsonObject cold = f.getJsonObject("cold_open", new JsonObject());
    if (cold.containsKey("not_measured")) {
      out.printf(row, "cold_open_admit_rps", "-", "not measured: " + cold.getValue("not_measured"));
    } else {
      out.printf(row, "cold_open_admit_rps", f.getValue("cold_open_admit_rps"), "202/s in the first " + cold.getValue("window_s")
          + " s after the sale opened on fresh JVMs, by second " + cold.getValue("admitted_by_second"));
      out.printf(row, "cold_open_p99_ms", f.getValue("cold_open_p99_ms"), "p99 of those 202s (p50 " + cold.getValue("p50_ms")
          + ", first 202 " + cold.getValue("first_admit_after_open_ms") + " ms after opening)");
      out.printf(row, "cold_open_ratio", f.getValue("cold_open_ratio"), "cold_open_admit_rps / admit_rps");
    }
    out.printf(row, "drain_orders_per_s", f.getValue("drain_orders_per_s"),
        f.getValue("drain_orders") + " orders, first admission -> last row in PostgreSQL");
    out.printf(row, "drain_window_orders_per_s", f.getValue("drain_window_orders_per_s"),
        "over the measured repetitions; " + f.getValue("drain_window_to_admit") + " persisted per order reserved in them (#15: >= 0.95), the rest "
            + f.getValue("drain_lag_s") + " s later");
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
          + f.getJsonObject("settings").getValue("gatling_users_per_s") + " shoppers/s (issue #15 target <= 25 ms, not asserted)");
    }
    out.printf(row, "invariants_hold", f.getValue("invariants_hold"), f.getValue("acknowledged_orders") + " acknowledged orders checked");
    printSteadiness(f.getJsonObject("phases", new JsonObject()), out);
    JsonObject cost = f.getJsonObject("cost");
    if (cost != null) {
      printCosts(cost, out);
    }
    out.println();
  }

  /** Per phase: steady or why not, the warm-up's windows, and each JVM's JIT time over the measured window. */
  static void printSteadiness(JsonObject phases, PrintStream out) {
    if (phases.isEmpty()) {
      return;
    }
    String row = "%-34s %14s   %s%n";
    out.println();
    out.println("steady state (warm-up until two windows agree within " + Math.round(SteadyState.TOLERANCE * 100)
        + " %; steady = converged and no JVM compiled > " + Math.round(SteadyState.MAX_COMPILE_SHARE * 100) + " % of the window)");
    out.printf(row, "-".repeat(34), "-".repeat(14), "-".repeat(50));
    phases.forEach(e -> {
      JsonObject p = (JsonObject) e.getValue();
      String phase = e.getKey();
      JsonArray why = p.getJsonArray("not_steady_because");
      out.printf(row, phase + " steady", p.getValue("steady"), why.isEmpty() ? "" : String.join("; ", why.stream().map(String::valueOf).toList()));
      JsonObject warmup = p.getJsonObject("warmup");
      if (warmup != null) {
        out.printf(row, phase + " warm-up s", warmup.getValue("seconds"), warmup.getString("stopped") + ", windows/s "
            + warmup.getJsonArray("windows_rps").encode());
      }
      JsonObject jit = p.getJsonObject("jit");
      if (jit != null) {
        jit.getJsonObject("jvms").forEach(j -> {
          JsonObject v = (JsonObject) j.getValue();
          out.printf(row, phase + " jit " + j.getKey(), v.getValue("compile_ms") + " ms", "compile share " + v.getValue("compile_share")
              + " of " + jit.getValue("window_s") + " s, " + v.getValue("compiles") + " compiles, compiler threads' CPU "
              + v.getValue("compiler_cpu_ms") + " ms");
        });
        JsonObject missing = jit.getJsonObject("not_measured");
        if (missing != null) {
          missing.forEach(m -> out.printf(row, phase + " jit " + m.getKey(), "-", "not measured: " + m.getValue()));
        }
      }
    });
  }

  /** The "cost per stage" block: per admitted order (admission repetitions) and per refused shopper (sold-out ones). */
  static void printCosts(JsonObject cost, PrintStream out) {
    String row = "%-34s %14s   %s%n";
    out.println();
    out.println("cost per stage (admission: " + cost.getValue("admitted") + " 202s; sold-out: " + cost.getValue("refused")
        + " 409s; per-process CPU leaves wrk out, machine counts it)");
    out.printf(row, "-".repeat(34), "-".repeat(14), "-".repeat(50));
    out.printf(row, "reserved_per_admitted", cost.getValue("reserved_per_admitted"), cost.getValue("reserved")
        + " reservations in the admission window / 202s (the rest: in flight when wrk stopped)");
    JsonObject admitted = cost.getJsonObject("cpu_us_per_admitted");
    JsonObject refused = cost.getJsonObject("cpu_us_per_refused");
    JsonObject missing = cost.getJsonObject("cpu_not_measured", new JsonObject());
    for (String process : StageCosts.PROCESSES) {
      String why = missing.getString(process);
      String what = switch (process) {
        case "machine" -> "busy time of every core (every process on the machine)";
        case "postgres" -> "utime+stime of the bench database's backends";
        default -> "utime+stime of its JVM";
      };
      out.printf(row, process + " cpu_us/admitted", admitted.getValue(process), why != null ? "not measured: " + why : what + " / 202s");
      out.printf(row, process + " cpu_us/refused", refused.getValue(process), why != null ? "" : what + " / 409s");
    }
    JsonObject backlog = cost.getJsonObject("cpu_us_per_backlog_order", new JsonObject());
    if (cost.getValue("backlog_orders") != null) {
      out.printf(row, "stock_service cpu_us/backlog order", backlog.getValue("stock_service"),
          "from the consumer's restart to the last of the " + cost.getValue("backlog_orders") + " queued orders in PostgreSQL");
    }
    JsonObject busy = cost.getJsonObject("machine_cpu_busy_share", new JsonObject());
    out.printf(row, "machine busy share admit/soldout", busy.getValue("admit") + "/" + busy.getValue("soldout"),
        "busy / all ticks of every core over the phase (1 = saturated)");
    JsonObject steal = cost.getJsonObject("machine_cpu_steal_share", new JsonObject());
    out.printf(row, "machine steal share admit/soldout", steal.getValue("admit") + "/" + steal.getValue("soldout"),
        "ticks the hypervisor gave to other guests / all ticks");
    JsonObject redis = cost.getJsonObject("redis");
    String shards = redis.getValue("shards") + " shard(s), " + redis.getValue("mode");
    if (redis.containsKey("not_measured")) {
      out.printf(row, "redis", "-", "not measured: " + redis.getValue("not_measured"));
    } else {
      JsonObject a = redis.getJsonObject("admit");
      JsonObject s = redis.getJsonObject("soldout");
      out.printf(row, "redis script_calls/order", a.getValue("script_calls_per_order"), "EVALSHA+EVAL calls / 202s (reserve + persisted), " + shards);
      out.printf(row, "redis script_us/order", a.getValue("script_us_per_order"), "commandstats usec of the scripts / 202s");
      out.printf(row, "redis cpu_us/order", a.getValue("cpu_us_per_order"), "used_cpu_user+sys of redis-server / 202s");
      out.printf(row, "redis hottest shard share", a.getValue("hottest_shard_script_share"),
          a.getValue("hottest_shard") + ": its part of the admission's script usec");
      out.printf(row, "redis script_calls/refused", s.getValue("script_calls_per_refused"), "EVALSHA+EVAL calls / 409s");
      out.printf(row, "redis script_us/refused", s.getValue("script_us_per_refused"), "script usec / 409s");
      out.printf(row, "redis cpu_us/refused", s.getValue("cpu_us_per_refused"), "used_cpu_user+sys / 409s");
      JsonObject b = redis.getJsonObject("backlog");
      if (b != null) {
        out.printf(row, "redis cpu_us/backlog order", b.getValue("cpu_us_per_order"), "the same span (the consumer's start-up warm-up included) / its orders");
      }
    }
    JsonObject kafka = cost.getJsonObject("kafka");
    if (kafka.containsKey("not_measured")) {
      out.printf(row, "kafka", "-", "not measured: " + kafka.getValue("not_measured"));
    } else {
      out.printf(row, "kafka bytes/record", kafka.getValue("bytes_per_record"), kafka.getValue("bytes_on_disk") + " bytes on disk / "
          + kafka.getValue("records") + " records of " + kafka.getValue("topic"));
      out.printf(row, "kafka avg key/value bytes", kafka.getValue("avg_key_bytes") + "/" + kafka.getValue("avg_value_bytes"),
          "serialized sizes, " + kafka.getValue("sampled_records") + " records sampled");
    }
    for (Object point : cost.getJsonArray("pg_rows_per_s_by_batch")) {
      JsonObject p = (JsonObject) point;
      out.printf(row, "pg rows/s at batch " + p.getValue("batch"), p.getValue("rows_per_s"),
          "pgbench, median tps " + p.getValue("tps") + " of " + p.getValue("runs") + " run(s) x batch");
    }
  }
}
