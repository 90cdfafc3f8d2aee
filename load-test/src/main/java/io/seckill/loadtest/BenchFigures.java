package io.seckill.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns the raw measurements of one bench run into the figures of bench-results.json: medians over
 * the repetitions of each throughput phase, the ratios against the ceilings, and the invariant
 * counts summed over every sale checked. Pure: no files, no clock, so the arithmetic is tested.
 */
public final class BenchFigures {
  private BenchFigures() {
  }

  /**
   * @param facts      what bench.sh measured itself (drain timings, pgbench tps per repetition,
   *                   machine.* and setting.* entries), as key=value strings
   * @param invariants one {@link CheckInvariants} line per sale checked
   */
  public static JsonObject compute(List<WrkResult> ceiling, List<WrkResult> admit, List<WrkResult> soldOut,
                                   Map<String, String> facts, List<JsonObject> invariants) {
    return compute(ceiling, admit, soldOut, facts, invariants, List.of());
  }

  /**
   * @param coldOpen the answers of the cold-open phase ({@link ColdOpen}); its figures are null when the
   *                 phase did not run (facts {@code cold_open.open_ms}, {@code cold_open.window_s} missing)
   */
  public static JsonObject compute(List<WrkResult> ceiling, List<WrkResult> admit, List<WrkResult> soldOut,
                                   Map<String, String> facts, List<JsonObject> invariants, List<ColdOpen.Answer> coldOpen) {
    JsonObject out = new JsonObject();
    double ceilingRps = median(ceiling, WrkResult::acceptedPerSecond);
    double admitRps = median(admit, WrkResult::acceptedPerSecond);
    double soldOutRps = median(soldOut, WrkResult::soldOutPerSecond);
    out.put("ceiling_rps", round(ceilingRps));
    out.put("ceiling_p50_ms", round(median(ceiling, WrkResult::p50Ms)));
    out.put("ceiling_p99_ms", round(median(ceiling, WrkResult::p99Ms)));
    out.put("admit_rps", round(admitRps));
    latencies(out, "admit", admit);
    out.put("soldout_rps", round(soldOutRps));
    latencies(out, "soldout", soldOut);
    out.put("admit_ratio", ratio(admitRps, ceilingRps));
    out.put("soldout_ratio", ratio(soldOutRps, ceilingRps));
    coldOpen(out, facts, coldOpen, admitRps);
    JsonObject phases = SteadyState.phases(facts);
    JsonObject steady = new JsonObject();
    phases.forEach(e -> steady.put(e.getKey(), ((JsonObject) e.getValue()).getBoolean("steady")));
    out.put("steady", steady);
    out.put("phases", phases);

    double drain = perSecond(facts, "drain_orders", "drain_seconds");
    double backlog = perSecond(facts, "backlog_orders", "backlog_seconds");
    double pgRows = medianOf(facts, "pg_tps.") * number(facts, "setting.pg_batch");
    out.put("drain_orders", (long) number(facts, "drain_orders"));
    out.put("drain_seconds", round(number(facts, "drain_seconds")));
    out.put("drain_orders_per_s", round(drain));
    // Whether the consumer keeps pace: the orders it persisted over the measured repetitions' wall-clock window
    // per order Redis reserved in that same window, and how long the rest took once admission stopped.
    // drain_orders_per_s cannot say: it spans the warm-up's ramp, so it stays below admit_rps with no lag at all.
    double drainWindow = perSecond(facts, "drain_window_orders", "drain_window_seconds");
    double reservedInWindow = number(facts, "reserved.admit.after") - number(facts, "reserved.admit.before");
    out.put("drain_window_orders_per_s", round(drainWindow));
    out.put("drain_window_to_admit", ratio(number(facts, "drain_window_orders"), reservedInWindow));
    out.put("drain_lag_s", round(number(facts, "drain_lag_seconds")));
    out.put("consumer_backlog_orders", (long) number(facts, "backlog_orders"));
    out.put("consumer_backlog_orders_per_s", round(backlog));
    out.put("pg_ceiling_rows_per_s", round(pgRows));
    out.put("drain_ratio", ratio(drain, pgRows));
    out.put("consumer_backlog_ratio", ratio(backlog, pgRows));

    long oversold = sum(invariants, "oversold");
    long duplicates = sum(invariants, "duplicate_orders");
    long lost = sum(invariants, "lost_orders");
    long drift = sum(invariants, "drift");
    long gap = sum(invariants, "accounting_gap");
    out.put("oversold", oversold).put("duplicate_orders", duplicates).put("lost_orders", lost).put("drift", drift)
        .put("accounting_gap", gap).put("acknowledged_orders", sum(invariants, "acknowledged"));
    boolean checked = !invariants.isEmpty();
    out.put("invariants_checked", checked);
    out.put("invariants_hold", checked && oversold == 0 && duplicates == 0 && lost == 0 && drift == 0 && gap == 0);
    out.put("sales_checked", new JsonArray(invariants));
    out.put("cost", StageCosts.compute(admit, soldOut, facts));

    JsonObject gatling = prefixed(facts, "gatling_");
    if (!gatling.isEmpty()) {
      out.put("gatling", gatling);
      // The figure issue #15's target names (buy p99 <= 25 ms at half the admission rate), at the top level too.
      out.put("gatling_buy_p99_ms", gatling.getValue("buy_p99_ms"));
    }
    out.put("machine", prefixed(facts, "machine."));
    out.put("settings", prefixed(facts, "setting."));
    out.put("runs", new JsonObject().put("ceiling", runs(ceiling)).put("admit", runs(admit)).put("soldout", runs(soldOut)));
    return out;
  }

  private static void coldOpen(JsonObject out, Map<String, String> facts, List<ColdOpen.Answer> answers, double admitRps) {
    if (!facts.containsKey("cold_open.open_ms")) {
      out.putNull("cold_open_admit_rps").putNull("cold_open_p99_ms").putNull("cold_open_ratio");
      out.put("cold_open", new JsonObject().put("not_measured", facts.getOrDefault("cold_open.skipped", "the phase did not run")));
      return;
    }
    JsonObject figures = ColdOpen.compute(answers, (long) number(facts, "cold_open.open_ms"),
        (int) number(facts, "cold_open.window_s"), admitRps);
    JsonObject details = figures.getJsonObject("details");
    prefixed(facts, "cold_open.").forEach(e -> {
      if (!details.containsKey(e.getKey())) {
        details.put(e.getKey(), e.getValue());
      }
    });
    out.put("cold_open_admit_rps", figures.getValue("cold_open_admit_rps"));
    out.put("cold_open_p99_ms", figures.getValue("cold_open_p99_ms"));
    out.put("cold_open_ratio", figures.getValue("cold_open_ratio"));
    out.put("cold_open", details);
  }

  private static void latencies(JsonObject out, String phase, List<WrkResult> runs) {
    out.put(phase + "_p50_ms", round(median(runs, WrkResult::p50Ms)));
    out.put(phase + "_p90_ms", round(median(runs, WrkResult::p90Ms)));
    out.put(phase + "_p99_ms", round(median(runs, WrkResult::p99Ms)));
    out.put(phase + "_max_ms", round(median(runs, WrkResult::maxMs)));
  }

  static double median(List<WrkResult> runs, ToDoubleFunction<WrkResult> figure) {
    return median(runs.stream().mapToDouble(figure).toArray());
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static double medianOf(Map<String, String> facts, String prefix) {
    return median(facts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .mapToDouble(e -> Double.parseDouble(e.getValue())).toArray());
  }

  private static double perSecond(Map<String, String> facts, String count, String seconds) {
    double s = number(facts, seconds);
    return s > 0 ? number(facts, count) / s : 0;
  }

  private static double number(Map<String, String> facts, String key) {
    String value = facts.get(key);
    return value == null || value.isBlank() ? 0 : Double.parseDouble(value.trim());
  }

  /** numerator / denominator to three decimals; 0 when the denominator was not measured. */
  static double ratio(double numerator, double denominator) {
    return denominator > 0 ? Math.round(numerator / denominator * 1000) / 1000.0 : 0;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static long sum(List<JsonObject> invariants, String key) {
    return invariants.stream().mapToLong(i -> Math.abs(i.getLong(key, 0L))).sum();
  }

  private static JsonObject prefixed(Map<String, String> facts, String prefix) {
    JsonObject out = new JsonObject();
    facts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.put(e.getKey().substring(prefix.length()), typed(e.getValue())));
    return out;
  }

  /** Numbers stay numbers in the JSON; everything else is a string. */
  private static Object typed(String value) {
    try {
      return value.contains(".") ? (Object) Double.parseDouble(value) : (Object) Long.parseLong(value);
    } catch (NumberFormatException e) {
      return value;
    }
  }

  private static JsonArray runs(List<WrkResult> results) {
    JsonArray out = new JsonArray();
    for (WrkResult r : results) {
      out.add(new JsonObject().put("seconds", round(r.seconds())).put("requests", r.requests())
          .put("status_202", r.accepted202()).put("status_200", r.duplicate200()).put("sold_out", r.soldOut())
          .put("status_409", r.conflict409()).put("status_429", r.rateLimited429()).put("status_503", r.unavailable503())
          .put("status_other", r.otherStatus()).put("socket_errors", r.socketErrors()).put("tokens_reused", r.tokensReused())
          .put("p50_ms", r.p50Ms()).put("p90_ms", r.p90Ms()).put("p99_ms", r.p99Ms()).put("max_ms", r.maxMs()));
    }
    return out;
  }
}
