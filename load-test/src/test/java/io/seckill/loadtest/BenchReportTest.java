package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static WrkResult run(long status202, long status409) {
    return new WrkResult("x", 5_000_000, status202 + status409, status202, 0, status409, status409, 0, 0, 0, 0, 0,
        1, 2, 3, 4, 1);
  }

  private static String table(Map<String, String> facts) {
    JsonObject figures = BenchFigures.compute(List.of(run(50_000, 0)), List.of(run(10_000, 0)),
        List.of(run(0, 100_000)), facts, List.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BenchReport.printTable(figures, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theTablePrintsTheCostPerStageWithTheMeasuredFigures() {
    String table = table(Map.of("cpu.clk_tck", "100", "cpu.gateway.admit.before_ticks", "0",
        "cpu.gateway.admit.after_ticks", "150", "pg_sweep.500.tps.1", "60"));

    assertThat(table).contains("cost per stage (admission: 10000 202s; sold-out: 100000 409s; per-process CPU leaves wrk out");
    assertThat(table).containsPattern("gateway cpu_us/admitted +150\\.0 ");
    assertThat(table).containsPattern("pg rows/s at batch 500 +30000\\.0 ");
  }

  @Test
  void theTablePrintsWhetherEachPhaseWasSteadyAndEachJvmsCompileTime() {
    Map<String, String> facts = new java.util.HashMap<>();
    facts.put("warmup.admit.window.1", "700");
    facts.put("warmup.admit.window.2", "1000");
    facts.put("warmup.admit.seconds", "10.1");
    facts.put("warmup.admit.stopped", "time bound");
    facts.put("jit.admit.before.at_us", "0");
    facts.put("jit.admit.after.at_us", "10000000");
    facts.put("jit.admit.before.gateway.compile_ticks", "0");
    facts.put("jit.admit.after.gateway.compile_ticks", "1500000000");
    facts.put("jit.admit.before.gateway.hrt_frequency", "1000000000");
    facts.put("jit.admit.after.gateway.hrt_frequency", "1000000000");

    String table = table(facts);

    assertThat(table).containsPattern("admit steady +false +warm-up did not converge \\(time bound after 10.1 s\\); "
        + "gateway compiled for 15.0 % of the window");
    assertThat(table).containsPattern("admit jit gateway +1500.0 ms +compile share 0.15 of 10.0 s");
    assertThat(table).contains("cold_open_admit_rps");
  }

  @Test
  void figuresThatWereNotMeasuredPrintTheReasonInsteadOfFailing() {
    String table = table(Map.of("cpu.gateway.unavailable", "no pid listens on the gateway port",
        "redis.unavailable", "Redis not reachable"));

    assertThat(table).contains("not measured: no pid listens on the gateway port");
    assertThat(table).contains("not measured: Redis not reachable");
    assertThat(table).contains("not measured: the topic was not read");
  }
}
