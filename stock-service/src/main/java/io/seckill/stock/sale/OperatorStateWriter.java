package io.seckill.stock.sale;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.stock.returns.RestockPublisher;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes what an operator decided, once PostgreSQL committed it, into every stock bucket reserve.lua reads:
 * a sale's pause and end into each bucket's meta (sale_control.lua), a blocklist change into each bucket of
 * every live sale (blocklist.lua). Both scripts bump the bucket's version, so a warm-up racing the change
 * starts over from a snapshot that has it. Then every gateway is told (the restock broadcast) to drop its
 * cached meta, so the sale page shows the new state at once.
 *
 * <p>Fail-closed: towards the operator, if Redis cannot be written, the call answers 503 and says the change
 * is recorded but not yet in force; every control is idempotent, so the operator repeats it.
 */
public final class OperatorStateWriter {
  private final Pool pool;
  private final RedisAPI redis;
  private final RestockPublisher broadcast;
  private final long timeoutMs;

  public OperatorStateWriter(Pool pool, RedisAPI redis, RestockPublisher broadcast, long timeoutMs) {
    this.pool = pool;
    this.redis = redis;
    this.broadcast = broadcast;
    this.timeoutMs = timeoutMs;
  }

  /** The sale's paused flag and effective end, into every bucket's meta, then the broadcast. */
  Future<Void> writeSaleState(Sale sale) {
    List<Future<?>> writes = new ArrayList<>();
    for (Bucket b : sale.buckets()) {
      writes.add(SeckillScripts.SALE_CONTROL.run(redis, List.of(b.meta(), b.version()),
          List.of(sale.paused() ? "1" : "0", Long.toString(sale.endsAt().toEpochMilli())))
          .timeout(timeoutMs, TimeUnit.MILLISECONDS));
    }
    return Future.all(writes).compose(done -> broadcast.publish(sale.saleId()));
  }

  /** Adds the shopper to (or removes them from) the blocked set of every bucket of every live sale. */
  Future<Void> writeBlocklist(String userId, boolean blocked) {
    return pool.query(SaleQueries.LIVE_SALES).execute().compose(rows -> {
      List<Future<?>> writes = new ArrayList<>();
      for (Row row : rows) {
        for (Bucket b : Bucket.all(row.getLong("sale_id"), row.getInteger("stock_buckets"))) {
          writes.add(SeckillScripts.BLOCKLIST.run(redis, List.of(b.blocked(), b.version()), List.of(blocked ? "add" : "remove", userId))
              .timeout(timeoutMs, TimeUnit.MILLISECONDS));
        }
      }
      return Future.all(writes).mapEmpty();
    });
  }
}
