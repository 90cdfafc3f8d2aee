package io.seckill.common.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.config.Env;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a warm-up may end: its count first, then (by default) a whole window in which the JIT barely compiled. */
class JitSettlingTest {
  private final AtomicLong compileMs = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();
  private final JitSettling jit = new JitSettling(compileMs::get, nanos::get);

  private void advance(long ms, long compiledMs) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    compileMs.addAndGet(compiledMs);
  }

  @Test
  void notSettledUntilAWholeWindowPassedWithTheCompilersBusyLessThanFivePercentOfIt() {
    assertThat(jit.settled()).as("no window yet").isFalse();
    advance(500, 0);
    assertThat(jit.settled()).as("half a window").isFalse();
    advance(500, 300);
    assertThat(jit.settled()).as("30 %% of a window compiling").isFalse();
    assertThat(jit.lastShare()).isEqualTo(0.3);
    advance(1000, 60);
    assertThat(jit.settled()).as("6 %%").isFalse();
    advance(1000, 40);
    assertThat(jit.settled()).as("4 %%").isTrue();
    advance(200, 200);
    assertThat(jit.settled()).as("within the next window the last verdict stands").isTrue();
    advance(800, 0);
    assertThat(jit.settled()).as("that window compiled 20 %%").isFalse();
  }

  @Test
  void theCountIsTheLeastAndWithUntilJitSettlesOnTheWarmUpGoesOnUntilTheJitSettled() {
    assertThat(WarmUpSettings.from(Env.of(Map.of())).untilJitSettles()).as("off by default").isFalse();
    WarmUpSettings settings = WarmUpSettings.from(Env.of(Map.of("SECKILL_WARMUP_REQUESTS", "100",
        "SECKILL_WARMUP_UNTIL_JIT_SETTLES", "true")));
    advance(1000, 0);
    jit.settled();
    advance(1000, 0);
    assertThat(jit.settled()).isTrue();
    assertThat(settings.goOn(99, jit)).as("below the count, settled or not").isTrue();
    assertThat(settings.goOn(100, jit)).as("count reached, JIT settled").isFalse();

    JitSettling busy = new JitSettling(compileMs::get, nanos::get);
    busy.settled();
    advance(1000, 500);
    assertThat(settings.goOn(100, busy)).as("count reached, JIT busy").isTrue();

    WarmUpSettings countOnly = WarmUpSettings.from(Env.of(Map.of("SECKILL_WARMUP_REQUESTS", "100",
        "SECKILL_WARMUP_UNTIL_JIT_SETTLES", "false")));
    assertThat(countOnly.goOn(100, busy)).as("count only").isFalse();
  }
}
