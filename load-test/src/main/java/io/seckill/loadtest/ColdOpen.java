package io.seckill.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The cold-open figures: a sale that opens while wrk is already knocking on fresh JVMs. Reads the lines
 * scripts/bench/shoppers.lua writes with a timings prefix, {@code <received-epoch-us> <latency-us> <status>},
 * and keeps the answers received in the first {@code windowSeconds} after the opening: the 202s per second
 * and the latency percentiles of the 202s alone (wrk's own percentiles mix in the 409 SALE_NOT_STARTED of
 * the knocking before the opening). Pure: the caller reads the files.
 */
public final class ColdOpen {
  private ColdOpen() {
  }

  /** One answer: when it arrived (epoch µs), how long it took (µs; negative when the stamp was not echoed), its status. */
  record Answer(long receivedUs, long latencyUs, int status) {
    static Answer parse(String line) {
      String[] f = line.trim().split("\\s+");
      if (f.length != 3) {
        throw new IllegalArgumentException("a cold-open timing line is '<received-us> <latency-us> <status>', got '" + line + "'");
      }
      return new Answer(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]));
    }
  }

  /** Parses every non-blank line; a torn last line (wrk killed mid-write) is skipped, not fatal. */
  static List<Answer> parse(List<String> lines) {
    List<Answer> answers = new ArrayList<>(lines.size());
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        answers.add(Answer.parse(line));
      } catch (IllegalArgumentException e) {
        // a partial line: the only one it can be is the last of a file, cut when wrk stopped
      }
    }
    return answers;
  }

  /**
   * @param openMs        the sale's opening, epoch ms (its startsAt)
   * @param windowSeconds how long after the opening counts (the 5 s)
   * @param steadyAdmitRps the admission phase's admit_rps of the same run, for cold_open_ratio
   */
  public static JsonObject compute(List<Answer> answers, long openMs, int windowSeconds, double steadyAdmitRps) {
    long from = openMs * 1000;
    long to = from + windowSeconds * 1_000_000L;
    long[] perSecond = new long[windowSeconds];
    TreeMap<Integer, Long> statuses = new TreeMap<>();
    List<Long> latencies = new ArrayList<>();
    long firstAdmitUs = Long.MAX_VALUE;
    long before = 0;
    for (Answer a : answers) {
      if (a.receivedUs() < from) {
        before++;
        continue;
      }
      if (a.receivedUs() >= to) {
        continue;
      }
      statuses.merge(a.status(), 1L, Long::sum);
      if (a.status() == 202) {
        perSecond[(int) ((a.receivedUs() - from) / 1_000_000)]++;
        firstAdmitUs = Math.min(firstAdmitUs, a.receivedUs());
        if (a.latencyUs() >= 0) {
          latencies.add(a.latencyUs());
        }
      }
    }
    long admitted = Arrays.stream(perSecond).sum();
    double admitRps = windowSeconds > 0 ? (double) admitted / windowSeconds : 0;
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    JsonObject statusCounts = new JsonObject();
    statuses.forEach((status, n) -> statusCounts.put(Integer.toString(status), n));
    JsonArray bySecond = new JsonArray();
    Arrays.stream(perSecond).forEach(bySecond::add);
    return new JsonObject()
        .put("cold_open_admit_rps", BenchFigures.round(admitRps))
        .put("cold_open_p99_ms", percentileMs(sorted, 99))
        .put("cold_open_ratio", BenchFigures.ratio(admitRps, steadyAdmitRps))
        .put("details", new JsonObject()
            .put("open_ms", openMs)
            .put("window_s", windowSeconds)
            .put("admitted", admitted)
            .put("admitted_by_second", bySecond)
            .put("p50_ms", percentileMs(sorted, 50))
            .put("p90_ms", percentileMs(sorted, 90))
            .put("max_ms", percentileMs(sorted, 100))
            .put("first_admit_after_open_ms", admitted > 0 ? BenchFigures.round((firstAdmitUs - from) / 1000.0) : null)
            .put("answers_before_open", before)
            .put("statuses_in_window", statusCounts));
  }

  /** Nearest-rank percentile of sorted microseconds, in ms; null when there is none. */
  static Double percentileMs(long[] sortedUs, int percentile) {
    if (sortedUs.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sortedUs.length);
    return BenchFigures.round(sortedUs[Math.max(0, rank - 1)] / 1000.0);
  }
}
