package io.seckill.common.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmUpSettingsTest {
  @Test
  void progressCountsUpToTheRequestsAndNamesTheJitOnlyWhenItWaitsForIt() {
    WarmUpSettings byCount = new WarmUpSettings(100, 1_000, "t", false);
    WarmUpSettings untilSettled = new WarmUpSettings(100, 1_000, "t", true);

    assertThat(byCount.progress(40, "orders")).isEqualTo("warming up: 40 of 100 orders");
    // Lanes still in flight may take the counter past the count: the message stays within it.
    assertThat(byCount.progress(163, "requests")).isEqualTo("warming up: 100 of 100 requests");
    assertThat(untilSettled.progress(40, "orders")).isEqualTo("warming up: 40 of 100 orders");
    assertThat(untilSettled.progress(163, "requests")).isEqualTo("warming up: 163 requests, until the JIT settles");
  }

  @Test
  void timesMultipliesOnlyTheCountKeepsOffOffAndCapsAtIntegerRange() {
    WarmUpSettings gateway = new WarmUpSettings(20_000, 45_000, "warm", true);

    assertThat(gateway.times(3)).isEqualTo(new WarmUpSettings(60_000, 45_000, "warm", true));
    assertThat(new WarmUpSettings(0, 45_000, "warm", false).times(3).enabled()).isFalse();
    assertThat(new WarmUpSettings(Integer.MAX_VALUE / 2 + 1, 1_000, "t", false).times(3).requests())
        .isEqualTo(Integer.MAX_VALUE);
  }
}
