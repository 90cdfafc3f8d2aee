package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisCountersTest {
  static final String INFO = """
      # Commandstats\r
      cmdstat_hset:calls=900,usec=1800,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r
      cmdstat_evalsha:calls=4000,usec=120000,usec_per_call=30.00,rejected_calls=0,failed_calls=3\r
      cmdstat_eval:calls=2,usec=50,usec_per_call=25.00,rejected_calls=0,failed_calls=0\r
      cmdstat_evalsha_ro:calls=7,usec=70,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r
      \r
      # CPU\r
      used_cpu_sys:1.250000\r
      used_cpu_user:2.500001\r
      used_cpu_sys_children:9.000000\r
      used_cpu_user_children:9.000000\r
      """;

  @Test
  void scriptCountersAddEvalshaAndEvalOnlyAndCpuIsUserPlusSysOfTheServerItself() {
    RedisCounters c = RedisCounters.parse(INFO);

    assertThat(c.scriptCalls()).isEqualTo(4002);
    assertThat(c.scriptUsec()).isEqualTo(120_050);
    assertThat(c.cpuUsec()).isEqualTo(3_750_001);
  }

  @Test
  void aServerThatRanNoScriptHasZeroScriptCounters() {
    RedisCounters c = RedisCounters.parse("# Commandstats\ncmdstat_ping:calls=3,usec=1\n# CPU\nused_cpu_sys:0.5\nused_cpu_user:0.25\n");

    assertThat(c).isEqualTo(new RedisCounters(0, 0, 750_000));
  }

  @Test
  void differencesAndSumsAreFieldByField() {
    RedisCounters before = new RedisCounters(10, 300, 1000);
    RedisCounters after = new RedisCounters(110, 3300, 6000);

    assertThat(after.minus(before)).isEqualTo(new RedisCounters(100, 3000, 5000));
    assertThat(after.minus(before).plus(before)).isEqualTo(after);
  }
}
