package io.seckill.stock.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StockHealingTest {
  @Test
  void aShortfallIsSpreadEvenlyOverTheBuckets() {
    assertThat(StockHealing.spread(List.of(0L, 0L, 0L), 10)).containsExactly(4, 3, 3);
    assertThat(StockHealing.spread(List.of(5L, 0L, 1L), 8)).containsExactly(6, 1, 1);
  }

  @Test
  void aSurplusIsTakenFromTheFullestBucketsFirstAndNeverBelowZero() {
    assertThat(StockHealing.spread(List.of(9L, 2L, 4L), 12)).containsExactly(6, 2, 4);
    assertThat(StockHealing.spread(List.of(9L, 2L, 4L), 6)).containsExactly(2, 2, 2);
    assertThat(StockHealing.spread(List.of(3L, 0L, 1L), 0)).containsExactly(0, 0, 0);
  }

  @Test
  void anUnsplitSaleSimplyGetsTheTarget() {
    assertThat(StockHealing.spread(List.of(7L), 3)).containsExactly(3);
    assertThat(StockHealing.spread(List.of(7L), 9)).containsExactly(9);
  }
}
