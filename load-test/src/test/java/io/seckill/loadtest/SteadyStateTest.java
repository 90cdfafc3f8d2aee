package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SteadyStateTest {
  @Test
  void twoWindowsWithinFivePercentOfTheLargerAreConverged() {
    assertThat(SteadyState.withinTolerance(1000, 1040, 0.05)).isTrue();
    assertThat(SteadyState.withinTolerance(1040, 1000, 0.05)).isTrue();
    assertThat(SteadyState.withinTolerance(1000, 1060, 0.05)).isFalse();
    assertThat(SteadyState.withinTolerance(0, 0, 0.05)).as("nothing measured is not stable").isFalse();
  }

  @Test
  void onlyTheLastTwoWindowsDecideConvergence() {
    assertThat(SteadyState.converged(List.of(400.0, 900.0, 1300.0, 1320.0), 0.05)).isTrue();
    assertThat(SteadyState.converged(List.of(1300.0, 1310.0, 1600.0), 0.05)).as("still climbing").isFalse();
    assertThat(SteadyState.converged(List.of(1300.0), 0.05)).as("one window proves nothing").isFalse();
  }

  private static Map<String, String> jitFacts(String phase, double windowS, String jvm, long beforeNs, long afterNs) {
    Map<String, String> facts = new HashMap<>();
    facts.put("cpu.clk_tck", "100");
    facts.put("jit." + phase + ".before.at_us", "1000000");
    facts.put("jit." + phase + ".after.at_us", Long.toString(1_000_000 + (long) (windowS * 1e6)));
    for (String when : List.of("before", "after")) {
      String key = "jit." + phase + "." + when + "." + jvm + ".";
      facts.put(key + "compile_ticks", Long.toString(when.equals("before") ? beforeNs : afterNs));
      facts.put(key + "hrt_frequency", "1000000000");
      facts.put(key + "compiles", when.equals("before") ? "100" : "130");
      facts.put(key + "compiler_cpu_ticks", when.equals("before") ? "50" : "80");
    }
    return facts;
  }

  @Test
  void compileShareIsTheCompileTimeDeltaOverTheWindow() {
    // 600 ms of compilation in a 15 s window: 4 %, and 300 ms of compiler-thread CPU (30 ticks at 100/s)
    JsonObject jit = SteadyState.jit(jitFacts("admit", 15, "gateway", 2_000_000_000L, 2_600_000_000L), "admit");

    JsonObject gateway = jit.getJsonObject("jvms").getJsonObject("gateway");
    assertThat(jit.getDouble("window_s")).isEqualTo(15.0);
    assertThat(gateway.getDouble("compile_ms")).isEqualTo(600.0);
    assertThat(gateway.getDouble("compile_share")).isEqualTo(0.04);
    assertThat(gateway.getLong("compiles")).isEqualTo(30);
    assertThat(gateway.getDouble("compiler_cpu_ms")).isEqualTo(300.0);
  }

  @Test
  void aPhaseWhoseWarmUpConvergedAndWhoseJvmsCompiledLittleIsSteady() {
    Map<String, String> facts = jitFacts("admit", 15, "gateway", 0, 600_000_000L);
    facts.put("warmup.admit.window.1", "700");
    facts.put("warmup.admit.window.2", "1200");
    facts.put("warmup.admit.window.3", "1230");
    facts.put("warmup.admit.seconds", "15.2");
    facts.put("warmup.admit.stopped", "converged");

    JsonObject admit = SteadyState.phases(facts).getJsonObject("admit");

    assertThat(admit.getBoolean("steady")).isTrue();
    assertThat(admit.getJsonArray("not_steady_because")).isEmpty();
    assertThat(admit.getJsonObject("warmup").getJsonArray("windows_rps").getList()).containsExactly(700.0, 1200.0, 1230.0);
  }

  @Test
  void oneJvmCompilingMoreThanFivePercentOfTheWindowMakesThePhaseNotSteady() {
    Map<String, String> facts = jitFacts("soldout", 10, "gateway", 0, 200_000_000L);
    facts.putAll(jitFacts("soldout", 10, "order_consumer", 1_000_000_000L, 1_900_000_000L));
    facts.put("warmup.soldout.window.1", "15000");
    facts.put("warmup.soldout.window.2", "15100");

    JsonObject soldout = SteadyState.phases(facts).getJsonObject("soldout");

    assertThat(soldout.getBoolean("steady")).isFalse();
    assertThat(soldout.getJsonObject("jit").getString("most_compiling_jvm")).isEqualTo("order_consumer");
    assertThat(soldout.getJsonObject("jit").getDouble("max_compile_share")).isEqualTo(0.09);
    assertThat(soldout.getJsonArray("not_steady_because").getList())
        .containsExactly("order_consumer compiled for 9.0 % of the window");
  }

  @Test
  void aWarmUpStoppedByItsTimeBoundIsNotSteadyEvenWithoutCompilation() {
    Map<String, String> facts = jitFacts("admit", 15, "gateway", 0, 0);
    facts.put("warmup.admit.window.1", "700");
    facts.put("warmup.admit.window.2", "1000");
    facts.put("warmup.admit.seconds", "90.4");
    facts.put("warmup.admit.stopped", "time bound");

    JsonObject admit = SteadyState.phases(facts).getJsonObject("admit");

    assertThat(admit.getBoolean("steady")).isFalse();
    assertThat(admit.getJsonArray("not_steady_because").getList())
        .containsExactly("warm-up did not converge (time bound after 90.4 s)");
  }

  @Test
  void aJvmWithoutPerfDataIsReportedAndAPhaseWithNoMeasuredJvmIsNotSteady() {
    Map<String, String> facts = new HashMap<>();
    facts.put("jit.cold_open.before.at_us", "0");
    facts.put("jit.cold_open.after.at_us", "5000000");
    facts.put("jit.cold_open.before.gateway.unavailable", "no perf data for pid 42 (NoSuchFileException)");

    JsonObject cold = SteadyState.phases(facts).getJsonObject("cold_open");

    assertThat(cold.getBoolean("steady")).isFalse();
    assertThat(cold.getJsonObject("jit").getJsonObject("not_measured").getString("gateway")).contains("pid 42");
    assertThat(SteadyState.phases(Map.of())).as("phases never run are left out").isEmpty();
  }
}
