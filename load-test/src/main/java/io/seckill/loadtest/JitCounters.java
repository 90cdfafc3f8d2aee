package io.seckill.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Samples how much each JVM of the bench has compiled so far, as facts for {@link SteadyState}: the
 * cumulative JIT time ({@code java.ci.totalTime} of the JVM's perf data, in ticks of
 * {@code sun.os.hrt.frequency}: the counter behind {@code CompilationMXBean.getTotalCompilationTime()}
 * and jstat -compiler's "Time", which prints it in seconds) and the CPU of its compiler threads
 * ({@code /proc/<pid>/task/<tid>/stat} of the threads named "C1 CompilerThre"/"C2 CompilerThre").
 *
 * <p>Usage: {@code JitCounters --jvm gateway=123 --jvm order_consumer=456 --sample admit.before} prints
 * {@code jit.admit.before.at_us=<epoch us>} and, per JVM, {@code jit.admit.before.gateway.compile_ticks},
 * {@code .hrt_frequency}, {@code .compiles}, {@code .compiler_cpu_ticks} (clock ticks), or {@code .unavailable}
 * with a reason. {@code --sample cold_open.before@<epoch ms>} waits until that instant first, so a sampler
 * started ahead of time reads the counters at a sale's opening without starting a JVM at that moment.
 */
public final class JitCounters {
  private JitCounters() {
  }

  public static void main(String[] args) throws InterruptedException {
    CliArgs cli = new CliArgs(args);
    Map<String, Long> jvms = new LinkedHashMap<>();
    for (String spec : cli.all("--jvm")) {
      String[] parts = spec.split("=", 2);
      if (parts.length == 2 && !parts[1].isBlank()) {
        jvms.put(parts[0], Long.parseLong(parts[1].trim()));
      }
    }
    for (String sample : cli.all("--sample")) {
      int at = sample.indexOf('@');
      String label = at < 0 ? sample : sample.substring(0, at);
      if (at >= 0) {
        long wait = Long.parseLong(sample.substring(at + 1)) - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
      }
      StringBuilder out = new StringBuilder();
      out.append("jit.").append(label).append(".at_us=").append(epochMicros()).append('\n');
      jvms.forEach((name, pid) -> out.append(sample(label, name, pid)));
      System.out.print(out);
      System.out.flush();
    }
  }

  private static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  private static String sample(String label, String name, long pid) {
    String key = "jit." + label + "." + name + ".";
    try {
      long jvm = jvmPid(pid);
      Map<String, Long> counters = PerfData.read(jvm);
      Long ticks = counters.get("java.ci.totalTime");
      Long frequency = counters.get("sun.os.hrt.frequency");
      if (ticks == null || frequency == null) {
        return key + "unavailable=no java.ci.totalTime / sun.os.hrt.frequency in the perf data of pid " + jvm + "\n";
      }
      return key + "compile_ticks=" + ticks + "\n" + key + "hrt_frequency=" + frequency + "\n"
          + key + "compiles=" + counters.getOrDefault("sun.ci.totalCompiles", 0L) + "\n"
          + key + "compiler_cpu_ticks=" + compilerThreadTicks(jvm) + "\n";
    } catch (IOException | RuntimeException e) {
      return key + "unavailable=no perf data for pid " + pid + " (" + e.getClass().getSimpleName() + ")\n";
    }
  }

  /** The JVM's own pid: the one given, or its only child when the given pid is a shell that forked java. */
  static long jvmPid(long pid) throws IOException {
    Path dir = Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"));
    if (Files.exists(dir.resolve(Long.toString(pid)))) {
      return pid;
    }
    try {
      String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).trim();
      if (!children.isEmpty() && !children.contains(" ")) {
        return Long.parseLong(children);
      }
    } catch (NoSuchFileException e) {
      // gone or not ours: PerfData.read says so below
    }
    return pid;
  }

  /** utime + stime of the compiler threads alive now; a thread the JVM retired takes its ticks with it. */
  static long compilerThreadTicks(long pid) throws IOException {
    List<String[]> threads = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          threads.add(new String[] {Files.readString(task.resolve("comm")).trim(), Files.readString(task.resolve("stat"))});
        } catch (IOException e) {
          // the thread ended between the listing and the read
        }
      }
    }
    return compilerTicks(threads);
  }

  /** Sums utime + stime (fields 14 and 15 of a stat line; comm may hold spaces) over the compiler threads. */
  static long compilerTicks(List<String[]> commAndStat) {
    long sum = 0;
    for (String[] thread : commAndStat) {
      if (thread[0].startsWith("C1 CompilerThre") || thread[0].startsWith("C2 CompilerThre")) {
        String[] fields = thread[1].substring(thread[1].lastIndexOf(')') + 2).trim().split("\\s+");
        sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      }
    }
    return sum;
  }
}
