package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageCostsTest {
  private static WrkResult run(long status202, long status409) {
    return new WrkResult("x", 5_000_000, status202 + status409, status202, 0, status409, status409, 0, 0, 0, 0, 0,
        1, 2, 3, 4, 1);
  }

  /** Two admission repetitions answering 4 000 + 6 000 202s; two sold-out ones answering 100 000 + 150 000 409s. */
  private static final List<WrkResult> ADMIT = List.of(run(4_000, 0), run(6_000, 0));
  private static final List<WrkResult> SOLD_OUT = List.of(run(0, 100_000), run(0, 150_000));

  private static Map<String, String> facts() {
    Map<String, String> f = new HashMap<>();
    f.put("cpu.clk_tck", "100");
    // gateway: 150 ticks = 1.5 s over the admission, 250 ticks = 2.5 s over the sold-out repetitions
    f.put("cpu.gateway.admit.before_ticks", "1000");
    f.put("cpu.gateway.admit.after_ticks", "1150");
    f.put("cpu.gateway.soldout.before_ticks", "2000");
    f.put("cpu.gateway.soldout.after_ticks", "2250");
    f.put("cpu.kafka_broker.admit.before_ticks", "500");
    f.put("cpu.kafka_broker.admit.after_ticks", "550");
    f.put("cpu.order_consumer.unavailable", "restarted during the run");
    // two cores at 100 ticks/s for 5 s = 1 000 ticks, 900 of them busy
    f.put("cpu.machine.admit.before_ticks", "10000");
    f.put("cpu.machine.admit.after_ticks", "10900");
    f.put("cpu.machine_total.admit.before_ticks", "20000");
    f.put("cpu.machine_total.admit.after_ticks", "21000");
    f.put("cpu.machine_steal.admit.before_ticks", "300");
    f.put("cpu.machine_steal.admit.after_ticks", "350");
    return f;
  }

  /** A process's CPU ticks at both ends of a phase, as bench.sh's cpu_snapshot records them. */
  private static void ticks(Map<String, String> f, String process, String phase, long before, long after) {
    f.put("cpu." + process + "." + phase + ".before_ticks", Long.toString(before));
    f.put("cpu." + process + "." + phase + ".after_ticks", Long.toString(after));
  }

  private static void shard(Map<String, String> f, String node, String address, String phase,
                            long[] before, long[] after) {
    f.put("redis.node." + node, address);
    String[] names = {"script_calls", "script_usec", "cpu_usec"};
    for (int i = 0; i < 3; i++) {
      f.put("redis." + phase + ".before." + node + "." + names[i], Long.toString(before[i]));
      f.put("redis." + phase + ".after." + node + "." + names[i], Long.toString(after[i]));
    }
  }

  @Test
  void cpuPerAnswerIsTheProcessTicksOverThePhaseDividedByItsAnswers() {
    JsonObject cost = StageCosts.compute(ADMIT, SOLD_OUT, facts());

    assertThat(cost.getLong("admitted")).isEqualTo(10_000);
    assertThat(cost.getLong("refused")).isEqualTo(250_000);
    // 1.5 s / 10 000 = 150 us; 2.5 s / 250 000 = 10 us; 0.5 s / 10 000 = 50 us
    assertThat(cost.getJsonObject("cpu_us_per_admitted").getDouble("gateway")).isEqualTo(150.0);
    assertThat(cost.getJsonObject("cpu_us_per_refused").getDouble("gateway")).isEqualTo(10.0);
    assertThat(cost.getJsonObject("cpu_us_per_admitted").getDouble("kafka_broker")).isEqualTo(50.0);
  }

  @Test
  void postgresIsTheSumOverTheBackendsPresentInBothSnapshots() {
    Map<String, String> f = facts();
    f.put("cpu.postgres.admit.before.101", "1000");
    f.put("cpu.postgres.admit.after.101", "1060");
    f.put("cpu.postgres.admit.before.102", "500");
    f.put("cpu.postgres.admit.after.102", "540");
    f.put("cpu.postgres.admit.before.103", "900"); // closed during the phase: cannot be split, left out
    f.put("cpu.postgres.admit.after.104", "30"); // opened during the phase: left out

    JsonObject cost = StageCosts.compute(ADMIT, SOLD_OUT, f);

    // (60 + 40) ticks = 1 s / 10 000 orders = 100 us
    assertThat(cost.getJsonObject("cpu_us_per_admitted").getDouble("postgres")).isEqualTo(100.0);
    assertThat(cost.getJsonObject("cpu_us_per_refused").getValue("postgres")).isNull();
  }

  @Test
  void theMachineFiguresCountEveryCoresBusyTimeAndHowSaturatedItWas() {
    JsonObject cost = StageCosts.compute(ADMIT, SOLD_OUT, facts());

    // 9 s of busy core time / 10 000 orders = 900 us
    assertThat(cost.getJsonObject("cpu_us_per_admitted").getDouble("machine")).isEqualTo(900.0);
    assertThat(cost.getJsonObject("machine_cpu_busy_share").getDouble("admit")).isEqualTo(0.9);
    assertThat(cost.getJsonObject("machine_cpu_busy_share").getValue("soldout")).isNull();
    assertThat(cost.getJsonObject("machine_cpu_steal_share").getDouble("admit")).isEqualTo(0.05);
  }

  @Test
  void reservationsMadeInTheWindowAreComparedWithThe202sSoTheUnansweredShareIsVisible() {
    Map<String, String> f = facts();
    f.put("reserved.admit.before", "5000");
    f.put("reserved.admit.after", "15300");

    JsonObject cost = StageCosts.compute(ADMIT, SOLD_OUT, f);

    assertThat(cost.getLong("reserved")).isEqualTo(10_300);
    assertThat(cost.getDouble("reserved_per_admitted")).isEqualTo(1.03);
    assertThat(StageCosts.compute(ADMIT, SOLD_OUT, facts()).getValue("reserved")).isNull();
  }

  @Test
  void aProcessWithoutSnapshotsIsNullWithTheReasonBenchShGave() {
    JsonObject cost = StageCosts.compute(ADMIT, SOLD_OUT, facts());

    assertThat(cost.getJsonObject("cpu_us_per_admitted").containsKey("order_consumer")).isTrue();
    assertThat(cost.getJsonObject("cpu_us_per_admitted").getValue("order_consumer")).isNull();
    assertThat(cost.getJsonObject("cpu_us_per_refused").getValue("kafka_broker")).isNull();
    assertThat(cost.getJsonObject("cpu_not_measured").getString("order_consumer")).isEqualTo("restarted during the run");
  }

  @Test
  void redisFiguresAreDeltasSummedOverShardsPerAdmittedOrderAndPerRefusal() {
    Map<String, String> f = facts();
    f.put("setting.redis_mode", "cluster");
    // admission: the sale's shard ran 20 000 scripts in 600 ms; another shard 100 scripts in 2 ms
    shard(f, "n0", "127.0.0.1:17001", "admit", new long[] {5, 100, 1_000}, new long[] {20_005, 600_100, 900_000});
    shard(f, "n1", "127.0.0.1:17002", "admit", new long[] {0, 0, 0}, new long[] {100, 2_000, 101_000});
    shard(f, "n2", "127.0.0.1:17003", "admit", new long[] {7, 7, 7}, new long[] {7, 7, 100_007});
    // sold-out: 500 scripts (the refusals before the gateway's flag was set and the fill's persisted)
    shard(f, "n0", "127.0.0.1:17001", "soldout", new long[] {0, 0, 0}, new long[] {500, 10_000, 250_000});
    shard(f, "n1", "127.0.0.1:17002", "soldout", new long[] {0, 0, 0}, new long[] {0, 0, 250_000});
    shard(f, "n2", "127.0.0.1:17003", "soldout", new long[] {0, 0, 0}, new long[] {0, 0, 0});

    JsonObject redis = StageCosts.compute(ADMIT, SOLD_OUT, f).getJsonObject("redis");

    assertThat(redis.getString("mode")).isEqualTo("cluster");
    assertThat(redis.getInteger("shards")).isEqualTo(3);
    JsonObject admit = redis.getJsonObject("admit");
    assertThat(admit.getLong("script_calls")).isEqualTo(20_100);
    assertThat(admit.getLong("script_usec")).isEqualTo(602_000);
    assertThat(admit.getLong("cpu_usec")).isEqualTo(1_100_000);
    assertThat(admit.getDouble("script_calls_per_order")).isEqualTo(2.01);
    assertThat(admit.getDouble("script_us_per_order")).isEqualTo(60.2);
    assertThat(admit.getDouble("cpu_us_per_order")).isEqualTo(110.0);
    assertThat(admit.getString("hottest_shard")).isEqualTo("127.0.0.1:17001");
    assertThat(admit.getDouble("hottest_shard_script_share")).isEqualTo(0.997);
    assertThat(admit.getJsonArray("per_shard").getJsonObject(1).getDouble("script_share")).isEqualTo(0.003);
    JsonObject soldOut = redis.getJsonObject("soldout");
    assertThat(soldOut.getDouble("script_calls_per_refused")).isEqualTo(0.002);
    assertThat(soldOut.getDouble("script_us_per_refused")).isEqualTo(0.04);
    assertThat(soldOut.getDouble("cpu_us_per_refused")).isEqualTo(2.0);
  }

  @Test
  void aPhaseWithNoScriptTimeHasNoHottestShareInsteadOfADivisionByZero() {
    Map<String, String> f = facts();
    shard(f, "n0", "127.0.0.1:16379", "admit", new long[] {1, 1, 1}, new long[] {1, 1, 1});
    shard(f, "n0", "127.0.0.1:16379", "soldout", new long[] {1, 1, 1}, new long[] {1, 1, 1});

    JsonObject admit = StageCosts.compute(ADMIT, SOLD_OUT, f).getJsonObject("redis").getJsonObject("admit");

    assertThat(admit.getDouble("script_us_per_order")).isZero();
    assertThat(admit.getValue("hottest_shard_script_share")).isNull();
  }

  @Test
  void withoutRedisSnapshotsTheRedisSectionSaysWhy() {
    Map<String, String> f = facts();
    f.put("redis.unavailable", "Redis not reachable");

    JsonObject redis = StageCosts.compute(ADMIT, SOLD_OUT, f).getJsonObject("redis");

    assertThat(redis.getInteger("shards")).isZero();
    assertThat(redis.getString("not_measured")).isEqualTo("Redis not reachable");
  }

  @Test
  void kafkaBytesPerRecordIsTheLogSizeOverTheRecordsAndSizesAreSampleAverages() {
    Map<String, String> f = facts();
    f.put("kafka.topic", "seckill.orders");
    f.put("kafka.partitions", "4");
    f.put("kafka.records", "200000");
    f.put("kafka.bytes_on_disk", "41000000");
    f.put("kafka.sampled_records", "20000");
    f.put("kafka.sampled_key_bytes", "720000");
    f.put("kafka.sampled_value_bytes", "3000000");

    JsonObject kafka = StageCosts.compute(ADMIT, SOLD_OUT, f).getJsonObject("kafka");

    assertThat(kafka.getDouble("bytes_per_record")).isEqualTo(205.0);
    assertThat(kafka.getDouble("avg_key_bytes")).isEqualTo(36.0);
    assertThat(kafka.getDouble("avg_value_bytes")).isEqualTo(150.0);
    assertThat(StageCosts.compute(ADMIT, SOLD_OUT, facts()).getJsonObject("kafka").getString("not_measured"))
        .isEqualTo("the topic was not read");
  }

  @Test
  void pgRowsPerSecondPerBatchIsTheMedianTpsTimesTheBatchInBatchOrder() {
    Map<String, String> f = facts();
    f.put("pg_sweep.100.tps.1", "300");
    f.put("pg_sweep.100.tps.2", "200");
    f.put("pg_sweep.100.tps.3", "250");
    f.put("pg_sweep.1.tps.1", "1800.5");
    f.put("pg_sweep.1000.tps.1", "40");
    f.put("pg_sweep.1000.tps.2", "30");

    var points = StageCosts.compute(ADMIT, SOLD_OUT, f).getJsonArray("pg_rows_per_s_by_batch");

    assertThat(points).hasSize(3);
    assertThat(points.getJsonObject(0).getInteger("batch")).isEqualTo(1);
    assertThat(points.getJsonObject(0).getDouble("rows_per_s")).isEqualTo(1800.5);
    assertThat(points.getJsonObject(1).getInteger("batch")).isEqualTo(100);
    assertThat(points.getJsonObject(1).getDouble("rows_per_s")).isEqualTo(25_000.0);
    assertThat(points.getJsonObject(1).getInteger("runs")).isEqualTo(3);
    assertThat(points.getJsonObject(2).getDouble("rows_per_s")).isEqualTo(35_000.0);
  }

  @Test
  void theBacklogDrainIsChargedPerOrderTheRestartedConsumerPersistedAndIsNullWhenNoBacklogRan() {
    Map<String, String> f = facts();
    f.put("backlog.cost_orders", "40000");
    ticks(f, "stock_service", "backlog", 700, 780);
    ticks(f, "order_consumer", "backlog", 10, 410);
    shard(f, "n0", "127.0.0.1:16379", "backlog", new long[] {100, 5_000, 60_000}, new long[] {300, 45_000, 460_000});

    JsonObject cost = StageCosts.compute(ADMIT, SOLD_OUT, f);

    assertThat(cost.getLong("backlog_orders")).isEqualTo(40_000);
    // 80 ticks = 0.8 s / 40 000 orders = 20 us; 400 ticks = 4 s / 40 000 = 100 us
    assertThat(cost.getJsonObject("cpu_us_per_backlog_order").getDouble("stock_service")).isEqualTo(20.0);
    assertThat(cost.getJsonObject("cpu_us_per_backlog_order").getDouble("order_consumer")).isEqualTo(100.0);
    assertThat(cost.getJsonObject("cpu_us_per_backlog_order").getValue("gateway")).isNull();
    // Redis: 400 ms of CPU / 40 000 orders = 10 us; 200 script calls / 40 000 = 0.005
    JsonObject redis = cost.getJsonObject("redis").getJsonObject("backlog");
    assertThat(redis.getDouble("cpu_us_per_order")).isEqualTo(10.0);
    assertThat(redis.getDouble("script_calls_per_order")).isEqualTo(0.005);

    JsonObject none = StageCosts.compute(ADMIT, SOLD_OUT, facts());
    assertThat(none.getValue("backlog_orders")).isNull();
    assertThat(none.getJsonObject("cpu_us_per_backlog_order").getValue("stock_service")).isNull();
  }
}
