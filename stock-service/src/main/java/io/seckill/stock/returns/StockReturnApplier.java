package io.seckill.stock.returns;

import io.seckill.common.order.OrderStatus;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.SeckillScripts;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed stock returns to Redis with return.lua (exactly once per order, via the
 * {@code returned} set), then marks them applied. Rows left unapplied by a Redis outage or a crash
 * are picked up by {@link #retryUnapplied()} until they go through.
 */
public final class StockReturnApplier {
  private static final Logger LOG = LoggerFactory.getLogger(StockReturnApplier.class);
  private static final int RETRY_BATCH = 500;

  private final Pool pool;
  private final RedisAPI redis;
  private final long redisTimeoutMs;
  private final RestockPublisher restock;
  private final int orderStatusTtlS;

  public StockReturnApplier(Pool pool, RedisAPI redis, RestockPublisher restock, int orderStatusTtlS, long redisTimeoutMs) {
    this.redisTimeoutMs = redisTimeoutMs;
    this.pool = pool;
    this.redis = redis;
    this.restock = restock;
    this.orderStatusTtlS = orderStatusTtlS;
  }

  /** Never fails: what could not be applied stays unapplied in the DB for the retry loop. */
  Future<Integer> apply(List<StockReturn> returns) {
    if (returns.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Future<Boolean>> applied = new ArrayList<>();
    for (StockReturn r : returns) {
      applied.add(applyOne(r));
    }
    return Future.join(applied).transform(ignored -> {
      Set<Long> restocked = new LinkedHashSet<>();
      int done = 0;
      for (int i = 0; i < returns.size(); i++) {
        if (applied.get(i).succeeded()) {
          restocked.add(returns.get(i).saleId());
          done++;
        }
      }
      List<Future<Void>> broadcasts = restocked.stream().map(restock::publish).toList();
      int count = done;
      return Future.join(broadcasts).transform(x -> Future.succeededFuture(count));
    });
  }

  public Future<Integer> retryUnapplied() {
    // Fail-open: the DB being unreachable just postpones the retry to the next tick.
    return pool.preparedQuery(ReturnQueries.UNAPPLIED_RETURNS).execute(Tuple.of(RETRY_BATCH)).compose(rows -> {
      List<StockReturn> returns = new ArrayList<>();
      rows.forEach(row -> returns.add(StockReturn.from(row, row.getString("cause"))));
      return apply(returns);
    });
  }

  private Future<Boolean> applyOne(StockReturn r) {
    long saleId = r.saleId();
    // The units go back to the bucket the order was taken from (its id names it), where its shoppers' peers look.
    Bucket bucket = Bucket.of(r.orderId());
    List<String> keys = List.of(bucket.stock(), bucket.returned(), bucket.pending(), bucket.order(r.orderId()),
        bucket.version());
    List<String> args = List.of(r.orderId(), Integer.toString(r.quantity()), OrderStatus.CANCELLED.name(),
        Integer.toString(orderStatusTtlS));
    // Fail-open: the stock_return row stays unapplied and the retry loop applies it once Redis answers (bounded: a
    // shopper's cancel waits on it); return.lua is idempotent, so a late first run changes nothing twice.
    return SeckillScripts.RETURN.run(redis, keys, args).timeout(redisTimeoutMs, TimeUnit.MILLISECONDS)
        .compose(result -> pool.preparedQuery(ReturnQueries.MARK_RETURN_APPLIED).execute(Tuple.of(r.orderId()))
            .map(ignored -> result.get(0).toInteger() == 1))
        .onFailure(failure -> LOG.warn("stock return of order {} (sale {}) not applied to Redis yet: {}", r.orderId(),
            saleId, failure.getMessage()));
  }
}
