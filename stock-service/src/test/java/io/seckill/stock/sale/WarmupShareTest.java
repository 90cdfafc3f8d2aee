package io.seckill.stock.sale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A split sale's warm-up gives each bucket an even share of the DB remaining. */
class WarmupShareTest {
  @Test
  void theWarmUpShareOfEachBucketAddsUpToTheRemaining() {
    assertThat(WarmupArgs.share(10, 3, 0) + WarmupArgs.share(10, 3, 1) + WarmupArgs.share(10, 3, 2)).isEqualTo(10);
    assertThat(WarmupArgs.share(10, 3, 0)).isEqualTo(4);
    assertThat(WarmupArgs.share(2, 4, 3)).isZero();
  }
}
