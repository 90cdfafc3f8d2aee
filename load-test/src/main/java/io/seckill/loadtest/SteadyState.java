package io.seckill.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether a phase measured a warm system: its warm-up converged (two consecutive warm-up windows within
 * {@link #TOLERANCE} of each other) and no JVM spent more than {@link #MAX_COMPILE_SHARE} of the measured
 * window compiling. Pure arithmetic over the facts bench.sh recorded:
 *
 * <ul>
 *   <li>{@code warmup.<phase>.window.<k>} (rate of warm-up window k, per second), {@code warmup.<phase>.seconds},
 *       {@code warmup.<phase>.stopped} ({@code converged}, {@code time bound}, {@code tokens ran out},
 *       {@code single run})</li>
 *   <li>{@code jit.<phase>.before|after.at_us} and {@code jit.<phase>.before|after.<jvm>.compile_ticks,
 *       hrt_frequency, compiles, compiler_cpu_ticks} or {@code .unavailable} ({@link JitCounters}), and
 *       {@code cpu.clk_tck}</li>
 * </ul>
 */
public final class SteadyState {
  /** Two consecutive warm-up windows within 5 % of the larger one: throughput has stopped climbing. */
  static final double TOLERANCE = 0.05;
  /** A JVM that compiled for more than 5 % of the window was still being optimised while it was measured. */
  static final double MAX_COMPILE_SHARE = 0.05;
  static final List<String> PHASES = List.of("ceiling", "admit", "soldout", "cold_open");

  private SteadyState() {
  }

  /** True when both rates were measured and differ by at most {@code tolerance} of the larger. */
  static boolean withinTolerance(double previous, double current, double tolerance) {
    double larger = Math.max(previous, current);
    return previous > 0 && current > 0 && Math.abs(current - previous) <= tolerance * larger;
  }

  /** True when the last two windows are within tolerance: the rule bench.sh's warm-up loop stops on. */
  static boolean converged(List<Double> windows, double tolerance) {
    int n = windows.size();
    return n >= 2 && withinTolerance(windows.get(n - 2), windows.get(n - 1), tolerance);
  }

  /** The warm-up of a phase: its windows' rates, how long it took and why it stopped; null when it had none. */
  static JsonObject warmup(Map<String, String> facts, String phase) {
    String prefix = "warmup." + phase + ".window.";
    TreeMap<Integer, Double> windows = new TreeMap<>();
    facts.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        windows.put(Integer.parseInt(key.substring(prefix.length())), Double.parseDouble(value));
      }
    });
    if (windows.isEmpty()) {
      return null;
    }
    List<Double> rates = List.copyOf(windows.values());
    return new JsonObject()
        .put("windows_rps", new JsonArray(rates.stream().map(BenchFigures::round).toList()))
        .put("seconds", BenchFigures.round(number(facts, "warmup." + phase + ".seconds")))
        .put("converged", converged(rates, TOLERANCE))
        .put("stopped", facts.getOrDefault("warmup." + phase + ".stopped", "unknown"));
  }

  /**
   * JIT time of each JVM over the phase's measured window (from the {@code before} sample to the {@code after}
   * one): compile_ms and compile_share (of the window), compiles, and the CPU of its compiler threads. Null
   * when the phase was not sampled.
   */
  static JsonObject jit(Map<String, String> facts, String phase) {
    String before = "jit." + phase + ".before.";
    String after = "jit." + phase + ".after.";
    if (!facts.containsKey(before + "at_us") || !facts.containsKey(after + "at_us")) {
      return null;
    }
    double windowMs = (number(facts, after + "at_us") - number(facts, before + "at_us")) / 1000.0;
    double clkTck = number(facts, "cpu.clk_tck");
    TreeSet<String> names = new TreeSet<>();
    facts.keySet().stream().filter(k -> k.startsWith(before) && !k.equals(before + "at_us"))
        .forEach(k -> names.add(k.substring(before.length(), k.lastIndexOf('.'))));
    JsonObject jvms = new JsonObject();
    JsonObject missing = new JsonObject();
    double maxShare = 0;
    String hottest = null;
    for (String jvm : names) {
      String why = facts.getOrDefault(before + jvm + ".unavailable", facts.get(after + jvm + ".unavailable"));
      if (why != null) {
        missing.put(jvm, why);
        continue;
      }
      double frequency = number(facts, after + jvm + ".hrt_frequency");
      double compileMs = (number(facts, after + jvm + ".compile_ticks") - number(facts, before + jvm + ".compile_ticks"))
          / frequency * 1000;
      double share = windowMs > 0 ? compileMs / windowMs : 0;
      double cpuTicks = number(facts, after + jvm + ".compiler_cpu_ticks") - number(facts, before + jvm + ".compiler_cpu_ticks");
      JsonObject j = new JsonObject()
          .put("compile_ms", BenchFigures.round(compileMs))
          .put("compile_share", BenchFigures.ratio(compileMs, windowMs))
          .put("compiles", (long) (number(facts, after + jvm + ".compiles") - number(facts, before + jvm + ".compiles")))
          // A compiler thread the JVM retired in the window takes its ticks with it: then the delta can fall.
          .put("compiler_cpu_ms", clkTck > 0 && cpuTicks >= 0 ? BenchFigures.round(cpuTicks / clkTck * 1000) : null);
      jvms.put(jvm, j);
      if (share > maxShare || hottest == null) {
        maxShare = Math.max(share, maxShare);
        hottest = jvm;
      }
    }
    JsonObject out = new JsonObject().put("window_s", BenchFigures.round(windowMs / 1000))
        .put("max_compile_share", BenchFigures.ratio(maxShare, 1)).put("most_compiling_jvm", hottest).put("jvms", jvms);
    if (!missing.isEmpty()) {
      out.put("not_measured", missing);
    }
    return out;
  }

  /**
   * Per phase: {@code steady} (true|false), the reasons it is not, the warm-up and the JIT figures. A phase
   * that was neither warmed up nor sampled (cold-open skipped) is left out.
   */
  public static JsonObject phases(Map<String, String> facts) {
    JsonObject out = new JsonObject();
    for (String phase : PHASES) {
      JsonObject warmup = warmup(facts, phase);
      JsonObject jit = jit(facts, phase);
      if (warmup == null && jit == null) {
        continue;
      }
      JsonArray why = new JsonArray();
      if (warmup != null && !warmup.getBoolean("converged")) {
        why.add("warm-up did not converge (" + warmup.getString("stopped") + " after " + warmup.getValue("seconds") + " s)");
      }
      if (jit == null || jit.getJsonObject("jvms").isEmpty()) {
        why.add("JIT time not measured");
      } else {
        jit.getJsonObject("jvms").forEach(e -> {
          double share = ((JsonObject) e.getValue()).getDouble("compile_share");
          if (share > MAX_COMPILE_SHARE) {
            why.add(e.getKey() + " compiled for " + Math.round(share * 1000) / 10.0 + " % of the window");
          }
        });
      }
      out.put(phase, new JsonObject().put("steady", why.isEmpty()).put("not_steady_because", why)
          .put("warmup", warmup).put("jit", jit));
    }
    return out;
  }

  private static double number(Map<String, String> facts, String key) {
    String value = facts.get(key);
    return value == null || value.isBlank() ? 0 : Double.parseDouble(value.trim());
  }
}
