package io.seckill.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads one request's figures from a Gatling report's {@code js/stats.json}: the tree of groups and
 * requests, each with {@code stats.percentiles1..4} (50th, 75th, 95th, 99th with Gatling's default
 * percentiles) and {@code numberOfRequests}. bench.sh prints the buy call's p99 from it.
 *
 * <p>Usage: {@code GatlingStats <report-dir> <request-name>} prints {@code p99_ms p50_ms requests ko}.
 */
public final class GatlingStats {
  private GatlingStats() {
  }

  public record RequestStats(String name, double p50Ms, double p99Ms, long requests, long failed) {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: GatlingStats <report-dir> <request-name>");
      System.exit(2);
    }
    JsonObject stats = new JsonObject(Files.readString(Path.of(args[0]).resolve("js").resolve("stats.json")));
    RequestStats found = find(stats, args[1])
        .orElseThrow(() -> new IllegalArgumentException("no request named '" + args[1] + "' in the report"));
    System.out.println(found.p99Ms() + " " + found.p50Ms() + " " + found.requests() + " " + found.failed());
  }

  /** Depth-first through the report tree for a REQUEST node of that name. */
  static Optional<RequestStats> find(JsonObject node, String name) {
    if ("REQUEST".equals(node.getString("type")) && name.equals(node.getString("name"))) {
      JsonObject s = node.getJsonObject("stats");
      JsonObject counts = s.getJsonObject("numberOfRequests");
      return Optional.of(new RequestStats(name, total(s.getJsonObject("percentiles1")), total(s.getJsonObject("percentiles4")),
          (long) number(counts, "total"), (long) number(counts, "ko")));
    }
    JsonObject contents = node.getJsonObject("contents");
    if (contents != null) {
      for (String key : contents.fieldNames()) {
        Optional<RequestStats> hit = find(contents.getJsonObject(key), name);
        if (hit.isPresent()) {
          return hit;
        }
      }
    }
    return Optional.empty();
  }

  private static double total(JsonObject figure) {
    return number(figure, "total");
  }

  /** Gatling writes numbers, or "-" when there is no figure. */
  private static double number(JsonObject figure, String key) {
    Object value = figure == null ? null : figure.getValue(key);
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return value == null ? 0 : Double.parseDouble(value.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
