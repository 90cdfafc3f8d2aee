package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchFiguresTest {
  private static WrkResult run(String phase, long status202, long soldOut, double p50, double p99) {
    return new WrkResult(phase, 5_000_000, status202 + soldOut, status202, 0, soldOut, soldOut, 0, 0, 0, 0, 0,
        p50, p50 * 2, p99, p99 * 3, p50);
  }

  private static final Map<String, String> FACTS = Map.ofEntries(
      Map.entry("drain_orders", "60000"),
      Map.entry("drain_seconds", "12.0"),
      Map.entry("drain_window_orders", "114000"),
      Map.entry("drain_window_seconds", "19.0"),
      Map.entry("drain_lag_seconds", "0.8"),
      Map.entry("reserved.admit.before", "50000"),
      Map.entry("reserved.admit.after", "170000"),
      Map.entry("backlog_orders", "20000"),
      Map.entry("backlog_seconds", "2.5"),
      Map.entry("pg_tps.1", "40"),
      Map.entry("pg_tps.2", "60"),
      Map.entry("pg_tps.3", "50"),
      Map.entry("setting.pg_batch", "500"),
      Map.entry("setting.wrk_connections", "64"),
      Map.entry("machine.jdk", "17.0.15"),
      Map.entry("gatling_buy_p99_ms", "7.0"));

  private static JsonObject holding(long saleId) {
    return new JsonObject().put("sale_id", saleId).put("acknowledged", 100).put("oversold", 0).put("duplicate_orders", 0)
        .put("lost_orders", 0).put("drift", 0).put("accounting_gap", 0);
  }

  private static JsonObject compute(List<JsonObject> invariants) {
    return BenchFigures.compute(
        List.of(run("ceiling", 100_000, 0, 1, 5), run("ceiling", 120_000, 0, 1, 5), run("ceiling", 110_000, 0, 1, 5)),
        List.of(run("admit", 50_000, 0, 3, 9), run("admit", 40_000, 0, 2, 8), run("admit", 45_000, 0, 4, 12)),
        List.of(run("soldout", 0, 90_000, 1, 4), run("soldout", 0, 80_000, 1, 3), run("soldout", 0, 85_000, 2, 6)),
        FACTS, invariants);
  }

  @Test
  void throughputAndLatencyAreMediansOfTheRepetitions() {
    JsonObject f = compute(List.of(holding(1)));

    assertThat(f.getDouble("ceiling_rps")).isEqualTo(22_000.0);
    assertThat(f.getDouble("admit_rps")).isEqualTo(9_000.0);
    assertThat(f.getDouble("admit_p50_ms")).isEqualTo(3.0);
    assertThat(f.getDouble("admit_p99_ms")).isEqualTo(9.0);
    assertThat(f.getDouble("soldout_rps")).isEqualTo(17_000.0);
    assertThat(f.getDouble("soldout_p99_ms")).isEqualTo(4.0);
  }

  @Test
  void ratiosDivideByTheCeilingsMeasuredInTheSameRun() {
    JsonObject f = compute(List.of(holding(1)));

    assertThat(f.getDouble("admit_ratio")).isEqualTo(0.409);
    assertThat(f.getDouble("soldout_ratio")).isEqualTo(0.773);
    assertThat(f.getDouble("drain_orders_per_s")).isEqualTo(5_000.0);
    assertThat(f.getDouble("consumer_backlog_orders_per_s")).isEqualTo(8_000.0);
    assertThat(f.getDouble("pg_ceiling_rows_per_s")).isEqualTo(25_000.0);
    assertThat(f.getDouble("drain_ratio")).isEqualTo(0.2);
    assertThat(f.getDouble("consumer_backlog_ratio")).isEqualTo(0.32);
  }

  @Test
  void theWindowedDrainIsComparedWithTheReservationsOfTheSameWindow() {
    JsonObject f = compute(List.of(holding(1)));

    assertThat(f.getDouble("drain_window_orders_per_s")).isEqualTo(6_000.0);
    assertThat(f.getDouble("drain_window_to_admit")).as("114 000 persisted / 120 000 reserved").isEqualTo(0.95);
    assertThat(f.getDouble("drain_lag_s")).isEqualTo(0.8);
  }

  @Test
  void invariantsHoldOnlyWhenEverySaleCheckedShowsZeros() {
    assertThat(compute(List.of(holding(1), holding(2))).getBoolean("invariants_hold")).isTrue();

    JsonObject broken = compute(List.of(holding(1), holding(2).put("lost_orders", 3).put("drift", -2)));
    assertThat(broken.getBoolean("invariants_hold")).isFalse();
    assertThat(broken.getLong("lost_orders")).isEqualTo(3);
    assertThat(broken.getLong("drift")).isEqualTo(2);
  }

  @Test
  void aRunWhoseInvariantsWereNeverCheckedDoesNotPass() {
    JsonObject f = compute(List.of());

    assertThat(f.getBoolean("invariants_checked")).isFalse();
    assertThat(f.getBoolean("invariants_hold")).isFalse();
  }

  @Test
  void machineAndSettingsKeepNumbersAsNumbers() {
    JsonObject f = compute(List.of(holding(1)));

    assertThat(f.getJsonObject("settings").getValue("wrk_connections")).isEqualTo(64L);
    assertThat(f.getJsonObject("machine").getValue("jdk")).isEqualTo("17.0.15");
    assertThat(f.getJsonObject("gatling").getValue("buy_p99_ms")).isEqualTo(7.0);
    assertThat(f.getValue("gatling_buy_p99_ms")).isEqualTo(7.0);
  }

  @Test
  void theColdOpenIsComparedWithTheSteadyAdmissionOfTheSameRun() {
    Map<String, String> facts = new java.util.HashMap<>(FACTS);
    facts.put("cold_open.open_ms", "1800000000000");
    facts.put("cold_open.window_s", "5");
    facts.put("cold_open.lead_s", "5");
    List<ColdOpen.Answer> answers = new java.util.ArrayList<>();
    for (int i = 0; i < 4500; i++) { // 900/s over the 5 s after the opening, against a steady 9 000/s
      answers.add(new ColdOpen.Answer(1_800_000_000_000_000L + i * 1000L, 40_000, 202));
    }

    JsonObject f = BenchFigures.compute(List.of(run("ceiling", 100_000, 0, 1, 5)), List.of(run("admit", 45_000, 0, 3, 9)),
        List.of(run("soldout", 0, 85_000, 2, 6)), facts, List.of(holding(1)), answers);

    assertThat(f.getDouble("cold_open_admit_rps")).isEqualTo(900.0);
    assertThat(f.getDouble("cold_open_p99_ms")).isEqualTo(40.0);
    assertThat(f.getDouble("cold_open_ratio")).isEqualTo(0.1);
    assertThat(f.getJsonObject("cold_open").getLong("lead_s")).isEqualTo(5L);
  }

  @Test
  void theNewFiguresLeaveEveryExistingKeyInPlace() {
    Map<String, String> facts = new java.util.HashMap<>(FACTS);
    facts.put("warmup.admit.window.1", "8000");
    facts.put("warmup.admit.window.2", "8100");
    facts.put("warmup.admit.stopped", "converged");
    facts.put("cold_open.skipped", "BENCH_COLD_OPEN=false");

    JsonObject f = BenchFigures.compute(List.of(run("ceiling", 100_000, 0, 1, 5)), List.of(run("admit", 45_000, 0, 3, 9)),
        List.of(run("soldout", 0, 85_000, 2, 6)), facts, List.of(holding(1)));

    assertThat(f.fieldNames()).contains("ceiling_rps", "admit_rps", "admit_p99_ms", "admit_ratio", "soldout_rps",
        "soldout_ratio", "drain_orders_per_s", "consumer_backlog_orders_per_s", "pg_ceiling_rows_per_s", "drain_ratio",
        "consumer_backlog_ratio", "oversold", "invariants_hold", "cost", "machine", "settings", "runs");
    assertThat(f.getJsonObject("steady").getBoolean("admit")).as("converged, but no JIT time measured").isFalse();
    assertThat(f.getJsonObject("steady").containsKey("cold_open")).isFalse();
    assertThat(f.getValue("cold_open_ratio")).isNull();
    assertThat(f.getJsonObject("cold_open").getString("not_measured")).isEqualTo("BENCH_COLD_OPEN=false");
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddlePair() {
    assertThat(BenchFigures.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(BenchFigures.median(new double[] {})).isZero();
  }
}
