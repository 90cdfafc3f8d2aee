package io.seckill.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one request's row of the statistics table in a Gatling 3.15 report's {@code index.html}
 * (that version ships no stats.json): columns col-2 total, col-4 KO, col-8 50th, col-11 99th
 * percentile in milliseconds. bench.sh prints the buy call's p99 from it.
 *
 * <p>Usage: {@code GatlingStats <report-dir> <request-name>} prints {@code p99_ms p50_ms requests ko}.
 */
public final class GatlingStats {
  private static final Pattern CELL = Pattern.compile("<td class=\"value [^\"]*col-(\\d+)\">([^<]*)</td>");

  private GatlingStats() {
  }

  public record RequestStats(String name, double p50Ms, double p99Ms, long requests, long failed) {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: GatlingStats <report-dir> <request-name>");
      System.exit(2);
    }
    String html = Files.readString(Path.of(args[0]).resolve("index.html"));
    RequestStats found = find(html, args[1])
        .orElseThrow(() -> new IllegalArgumentException("no request named '" + args[1] + "' in the report"));
    System.out.println(found.p99Ms() + " " + found.p50Ms() + " " + found.requests() + " " + found.failed());
  }

  /** The table row whose name cell reads exactly {@code name}. */
  static Optional<RequestStats> find(String html, String name) {
    int nameAt = html.indexOf("class=\"ellipsed-name\">" + name + "</span>");
    if (nameAt < 0) {
      return Optional.empty();
    }
    int rowEnd = html.indexOf("</tr>", nameAt);
    Matcher m = CELL.matcher(html.substring(nameAt, rowEnd < 0 ? html.length() : rowEnd));
    Map<Integer, Double> cells = new HashMap<>();
    while (m.find()) {
      cells.put(Integer.parseInt(m.group(1)), number(m.group(2)));
    }
    return Optional.of(new RequestStats(name, cells.getOrDefault(8, 0.0), cells.getOrDefault(11, 0.0),
        cells.getOrDefault(2, 0.0).longValue(), cells.getOrDefault(4, 0.0).longValue()));
  }

  /** Gatling writes numbers, or "-" when there is no figure. */
  private static double number(String cell) {
    try {
      return Double.parseDouble(cell.trim().replace(",", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
