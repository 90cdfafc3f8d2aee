package io.seckill.stock.reconcile;

import java.util.List;

/** How the reconciler spreads a stock correction over a sale's buckets. Pure, so it is tested alone. */
final class StockHealing {
  private StockHealing() {
  }

  /**
   * The per-bucket stocks that add up to {@code target}, moving as little as needed: a shortfall is
   * spread evenly (the first buckets get the remainder), a surplus is taken from the fullest buckets
   * first, never below zero.
   *
   * @param stocks current stock of each bucket (none null)
   * @param target total wanted, {@code >= 0}
   */
  static long[] spread(List<Long> stocks, long target) {
    int n = stocks.size();
    long[] out = new long[n];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      out[i] = stocks.get(i);
      sum += out[i];
    }
    long delta = target - sum;
    if (delta > 0) {
      for (int i = 0; i < n; i++) {
        out[i] += delta / n + (i < delta % n ? 1 : 0);
      }
    }
    while (delta < 0) {
      int fullest = 0;
      for (int i = 1; i < n; i++) {
        if (out[i] > out[fullest]) {
          fullest = i;
        }
      }
      long next = 0;
      for (int i = 0; i < n; i++) {
        if (i != fullest && out[i] > next) {
          next = out[i];
        }
      }
      // Lower the fullest bucket to the next level (or by what is left), at least one unit per step.
      long take = Math.min(-delta, Math.max(1, out[fullest] - next));
      out[fullest] -= take;
      delta += take;
    }
    return out;
  }
}
