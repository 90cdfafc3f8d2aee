package io.seckill.consumer.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void backoffGrowsExponentiallyWithJitterAndStaysWithinItsBounds() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(5_000));
    long first = backoff.nextDelayMs();
    assertThat(first).isEqualTo(100);
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.nextDelayMs()).isBetween(100L, 5_000L);
    }
    assertThat(backoff.attempts()).isEqualTo(51);
  }
}
