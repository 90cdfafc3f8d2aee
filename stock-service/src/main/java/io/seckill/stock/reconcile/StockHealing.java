package io.seckill.stock.reconcile;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.stock.returns.RestockPublisher;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's last healing step: Redis stock set to what PostgreSQL says, spread over the sale's buckets.
 * The spread itself ({@link #spread}) is pure, so it is tested alone.
 */
public final class StockHealing {
  private static final Logger LOG = LoggerFactory.getLogger(StockHealing.class);

  private final RedisAPI redis;
  private final RestockPublisher restock;

  public StockHealing(RedisAPI redis, RestockPublisher restock) {
    this.redis = redis;
    this.restock = restock;
  }

  /**
   * Sets Redis stock to what PostgreSQL says, only when nothing is in flight. The target is DB remaining
   * minus the units of returns not yet applied to Redis (return.lua will still add those). Lowering is
   * always safe — it can only undersell. Raising is safe only with an empty {@code pending}: then no
   * admitted order is missing from the DB's count. reconcile_stock.lua re-checks both atomically (stock
   * unchanged since we read it, pending still empty), so a shopper admitted meanwhile is never overwritten.
   *
   * <p>A split sale is healed bucket by bucket, each with its own compare-and-set: a shortfall is spread
   * evenly over the buckets, a surplus is taken from the fullest buckets first. A bucket that moved in
   * between keeps its value; the next pass measures again.
   * Returns the new total stock, or null when nothing was changed.
   */
  Future<Long> heal(StockSnapshot s) {
    long saleId = s.sale().saleId();
    long target = s.sale().remaining() - s.unappliedUnits();
    Long current = s.redisStock();
    if (current == null || !s.pending().isEmpty() || target < 0 || target == current) {
      return Future.succeededFuture(null);
    }
    long[] wanted = StockHealing.spread(s.bucketStocks(), target);
    List<Bucket> buckets = s.sale().buckets();
    List<Future<Long>> sets = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i++) {
      long was = s.bucketStocks().get(i);
      long to = wanted[i];
      if (was == to) {
        continue;
      }
      Bucket b = buckets.get(i);
      sets.add(SeckillScripts.SET_STOCK_IF_UNCHANGED.run(redis, List.of(b.stock(), b.pending()), List.of(Long.toString(was),
          Long.toString(to))).map(result -> result.toInteger() == 1 ? to - was : 0L));
    }
    return Future.all(sets).compose(all -> {
      long applied = sets.stream().mapToLong(Future::result).sum();
      if (sets.stream().allMatch(f -> f.result() == 0L)) {
        return Future.succeededFuture(null);
      }
      long healed = current + applied;
      LOG.warn("healed Redis stock of sale {}: {} -> {} (DB remaining {})", saleId, current, healed,
          s.sale().remaining());
      return sets.stream().anyMatch(f -> f.result() > 0)
          ? restock.publish(saleId).map(healed) : Future.succeededFuture(healed);
    });
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
