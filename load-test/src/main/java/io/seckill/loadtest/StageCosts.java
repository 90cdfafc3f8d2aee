package io.seckill.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * The "cost per stage" figures of bench-results.json: what one admitted order and one refused
 * shopper cost in each process they touch (CPU time per answer, Redis script time and calls per
 * order, Kafka bytes per record) and PostgreSQL's rows/s per batch size. Pure arithmetic over the
 * facts bench.sh recorded around the phases (counter snapshots before and after) and the wrk
 * runs: no files, no clock, so every figure is tested.
 *
 * <p>Facts read: {@code cpu.clk_tck}, {@code cpu.<process>.<phase>.before_ticks|after_ticks} or
 * {@code cpu.<process>.unavailable} (a reason), {@code cpu.machine_total.<phase>.*_ticks} (every core,
 * idle and steal included), {@code cpu.machine_steal.<phase>.*_ticks}, {@code redis.node.<n>} and
 * {@code redis.<phase>.before|after.<n>.script_calls|script_usec|cpu_usec}, {@code kafka.*},
 * {@code pg_sweep.<batch>.tps.<repetition>}, {@code reserved.admit.before|after} (HLEN of the admission
 * sale's buyers), {@code backlog.cost_orders} (orders the restarted consumer persisted between the backlog
 * snapshots); phases are {@code admit}, {@code soldout} and {@code backlog}.
 */
public final class StageCosts {
  /**
   * The processes whose CPU bench.sh samples, in the order the table prints them. "postgres" is the
   * sum over the server processes of the bench's database (one per connection); "machine" is every
   * core's busy time from /proc/stat (all processes: wrk, PostgreSQL and Redis included).
   */
  static final List<String> PROCESSES = List.of("gateway", "stock_service", "order_consumer", "kafka_broker", "postgres",
      "machine");

  private StageCosts() {
  }

  public static JsonObject compute(List<WrkResult> admit, List<WrkResult> soldOut, Map<String, String> facts) {
    long admitted = sum(admit, WrkResult::accepted202);
    long refused = sum(soldOut, WrkResult::conflict409);
    JsonObject cost = new JsonObject().put("admitted", admitted).put("refused", refused);
    // Every figure divides by the 202s; the reservations Redis made in the same window also count the
    // requests still in flight when each wrk run stopped, which cost the same but were never answered.
    if (facts.containsKey("reserved.admit.before") && facts.containsKey("reserved.admit.after")) {
      long reserved = (long) (number(facts, "reserved.admit.after") - number(facts, "reserved.admit.before"));
      cost.put("reserved", reserved).put("reserved_per_admitted", admitted > 0 ? BenchFigures.ratio(reserved, admitted) : null);
    } else {
      cost.putNull("reserved").putNull("reserved_per_admitted");
    }
    cost.put("cpu_us_per_admitted", cpuPerAnswer(facts, "admit", admitted));
    cost.put("cpu_us_per_refused", cpuPerAnswer(facts, "soldout", refused));
    // The backlog drain: what each process spent per order while the restarted consumer worked off the queue
    // (the reconciler's passes over the pending orders included). Null throughout when no backlog ran.
    long backlogOrders = (long) number(facts, "backlog.cost_orders");
    cost.put("backlog_orders", backlogOrders > 0 ? backlogOrders : null);
    cost.put("cpu_us_per_backlog_order", cpuPerAnswer(facts, "backlog", backlogOrders));
    JsonObject missing = new JsonObject();
    PROCESSES.forEach(p -> {
      if (facts.containsKey("cpu." + p + ".unavailable")) {
        missing.put(p, facts.get("cpu." + p + ".unavailable"));
      }
    });
    cost.put("cpu_not_measured", missing);
    cost.put("machine_cpu_busy_share", new JsonObject().put("admit", share(facts, "machine", "admit"))
        .put("soldout", share(facts, "machine", "soldout")));
    cost.put("machine_cpu_steal_share", new JsonObject().put("admit", share(facts, "machine_steal", "admit"))
        .put("soldout", share(facts, "machine_steal", "soldout")));
    cost.put("redis", redis(facts, admitted, refused, backlogOrders));
    cost.put("kafka", kafka(facts));
    cost.put("pg_rows_per_s_by_batch", pgSweep(facts));
    return cost;
  }

  /** Microseconds of CPU (utime + stime) per answer, per process; null where it was not measured. */
  static JsonObject cpuPerAnswer(Map<String, String> facts, String phase, long answers) {
    double ticksPerSecond = number(facts, "cpu.clk_tck");
    JsonObject out = new JsonObject();
    for (String process : PROCESSES) {
      Double ticks = ticksOver(facts, process, phase);
      if (ticks == null || ticksPerSecond <= 0 || answers <= 0) {
        out.putNull(process);
      } else {
        out.put(process, BenchFigures.round(ticks / ticksPerSecond * 1e6 / answers));
      }
    }
    return out;
  }

  /**
   * Ticks a process spent over the phase: {@code cpu.<p>.<phase>.after_ticks - before_ticks}, or for a
   * group of processes ({@code cpu.<p>.<phase>.before.<pid>} / {@code after.<pid>}) the sum over the
   * pids seen in both snapshots: a connection opened or closed in between cannot be split. Null if not sampled.
   */
  static Double ticksOver(Map<String, String> facts, String process, String phase) {
    String prefix = "cpu." + process + "." + phase + ".";
    String before = facts.get(prefix + "before_ticks");
    String after = facts.get(prefix + "after_ticks");
    if (before != null && after != null) {
      return Double.parseDouble(after) - Double.parseDouble(before);
    }
    double sum = 0;
    boolean any = false;
    for (Map.Entry<String, String> e : facts.entrySet()) {
      if (e.getKey().startsWith(prefix + "before.")) {
        String later = facts.get(prefix + "after." + e.getKey().substring((prefix + "before.").length()));
        if (later != null) {
          sum += Double.parseDouble(later) - Double.parseDouble(e.getValue());
          any = true;
        }
      }
    }
    return any ? sum : null;
  }

  /**
   * Ticks of one kind / all ticks of every core over the phase: "machine" busy (1.0 = saturated),
   * "machine_steal" taken by the hypervisor for other guests; null if not sampled.
   */
  static Double share(Map<String, String> facts, String kind, String phase) {
    double part = number(facts, "cpu." + kind + "." + phase + ".after_ticks") - number(facts, "cpu." + kind + "." + phase + ".before_ticks");
    double total = number(facts, "cpu.machine_total." + phase + ".after_ticks")
        - number(facts, "cpu.machine_total." + phase + ".before_ticks");
    return total > 0 ? BenchFigures.ratio(part, total) : null;
  }

  static JsonObject redis(Map<String, String> facts, long admitted, long refused, long backlogOrders) {
    TreeMap<String, String> nodes = new TreeMap<>();
    facts.forEach((k, v) -> {
      if (k.startsWith("redis.node.")) {
        nodes.put(k.substring("redis.node.".length()), v);
      }
    });
    JsonObject out = new JsonObject().put("mode", facts.getOrDefault("setting.redis_mode", "standalone"))
        .put("shards", nodes.size());
    if (nodes.isEmpty()) {
      return out.put("not_measured", facts.getOrDefault("redis.unavailable", "no Redis snapshot taken"));
    }
    out.put("admit", redisPhase(facts, nodes, "admit", admitted, "order"));
    out.put("soldout", redisPhase(facts, nodes, "soldout", refused, "refused"));
    if (backlogOrders > 0) {
      out.put("backlog", redisPhase(facts, nodes, "backlog", backlogOrders, "order"));
    }
    return out;
  }

  /** Deltas over the phase, summed over shards and divided by the answers, plus each shard's share of script time. */
  private static JsonObject redisPhase(Map<String, String> facts, TreeMap<String, String> nodes, String phase,
                                       long answers, String per) {
    RedisCounters total = new RedisCounters(0, 0, 0);
    JsonArray shards = new JsonArray();
    String hottest = null;
    long hottestUsec = -1;
    for (Map.Entry<String, String> node : nodes.entrySet()) {
      RedisCounters delta = counters(facts, phase + ".after", node.getKey()).minus(counters(facts, phase + ".before", node.getKey()));
      total = total.plus(delta);
      shards.add(new JsonObject().put("node", node.getValue()).put("script_calls", delta.scriptCalls())
          .put("script_usec", delta.scriptUsec()).put("cpu_usec", delta.cpuUsec()));
      if (delta.scriptUsec() > hottestUsec) {
        hottestUsec = delta.scriptUsec();
        hottest = node.getValue();
      }
    }
    for (int i = 0; i < shards.size(); i++) {
      JsonObject shard = shards.getJsonObject(i);
      shard.put("script_share", BenchFigures.ratio(shard.getLong("script_usec"), total.scriptUsec()));
    }
    JsonObject out = new JsonObject()
        .put("script_calls", total.scriptCalls()).put("script_usec", total.scriptUsec()).put("cpu_usec", total.cpuUsec());
    putPer(out, "script_calls_per_" + per, total.scriptCalls(), answers, 1000);
    putPer(out, "script_us_per_" + per, total.scriptUsec(), answers, 100);
    putPer(out, "cpu_us_per_" + per, total.cpuUsec(), answers, 100);
    out.put("hottest_shard", hottest);
    if (total.scriptUsec() > 0) {
      out.put("hottest_shard_script_share", BenchFigures.ratio(hottestUsec, total.scriptUsec()));
    } else {
      out.putNull("hottest_shard_script_share");
    }
    return out.put("per_shard", shards);
  }

  private static RedisCounters counters(Map<String, String> facts, String snapshot, String node) {
    String prefix = "redis." + snapshot + "." + node + ".";
    return new RedisCounters((long) number(facts, prefix + "script_calls"), (long) number(facts, prefix + "script_usec"),
        (long) number(facts, prefix + "cpu_usec"));
  }

  static JsonObject kafka(Map<String, String> facts) {
    if (!facts.containsKey("kafka.records")) {
      return new JsonObject().put("not_measured", facts.getOrDefault("kafka.unavailable", "the topic was not read"));
    }
    long records = (long) number(facts, "kafka.records");
    long bytes = (long) number(facts, "kafka.bytes_on_disk");
    long sampled = (long) number(facts, "kafka.sampled_records");
    JsonObject out = new JsonObject().put("topic", facts.get("kafka.topic"))
        .put("partitions", (long) number(facts, "kafka.partitions")).put("records", records).put("bytes_on_disk", bytes);
    putPer(out, "bytes_per_record", bytes, records, 100);
    out.put("sampled_records", sampled);
    putPer(out, "avg_key_bytes", (long) number(facts, "kafka.sampled_key_bytes"), sampled, 100);
    putPer(out, "avg_value_bytes", (long) number(facts, "kafka.sampled_value_bytes"), sampled, 100);
    return out;
  }

  /** One point per batch size: the median of its repetitions' tps, times the batch. */
  static JsonArray pgSweep(Map<String, String> facts) {
    TreeSet<Integer> batches = new TreeSet<>();
    facts.keySet().stream().filter(k -> k.startsWith("pg_sweep.") && k.contains(".tps."))
        .forEach(k -> batches.add(Integer.parseInt(k.split("\\.")[1])));
    JsonArray out = new JsonArray();
    for (int batch : batches) {
      String prefix = "pg_sweep." + batch + ".tps.";
      double[] tps = facts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && !e.getValue().isBlank())
          .mapToDouble(e -> Double.parseDouble(e.getValue())).toArray();
      double median = BenchFigures.median(tps);
      out.add(new JsonObject().put("batch", batch).put("runs", tps.length).put("tps", BenchFigures.round(median))
          .put("rows_per_s", BenchFigures.round(median * batch)));
    }
    return out;
  }

  /** amount / count rounded to 1/scale; null when nothing was counted. */
  private static void putPer(JsonObject out, String key, long amount, long count, int scale) {
    if (count > 0) {
      out.put(key, Math.round((double) amount / count * scale) / (double) scale);
    } else {
      out.putNull(key);
    }
  }

  private static long sum(List<WrkResult> runs, ToLongFunction<WrkResult> count) {
    return runs.stream().mapToLong(count).sum();
  }

  private static double number(Map<String, String> facts, String key) {
    String value = facts.get(key);
    return value == null || value.isBlank() ? 0 : Double.parseDouble(value.trim());
  }
}
