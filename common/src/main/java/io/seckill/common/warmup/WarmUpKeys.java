package io.seckill.common.warmup;

import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a warm-up left in Redis for one of its sales: the root bucket's fixed keys and the status keys of the
 * orders it knows of, in chunks; on a standalone Redis also whatever else carries the sale's tag (an order released
 * after a failed send), found with SCAN. In a cluster those are order status keys only, and expire with their TTL.
 * The gateway's and the consumer's warm-ups both end with it.
 */
public final class WarmUpKeys {
  private static final int CHUNK = 500;
  /** Keys SCAN looks at per call: a Redis holding millions of order statuses is swept in a few hundred calls. */
  static final int SCAN_COUNT = 10_000;

  private final RedisAPI redis;
  private final RedisSettings.Mode mode;
  private final long commandTimeoutMs;
  private final int scanCount;

  /** @param commandTimeoutMs bound on each Redis command */
  public WarmUpKeys(RedisAPI redis, RedisSettings.Mode mode, long commandTimeoutMs) {
    this(redis, mode, commandTimeoutMs, SCAN_COUNT);
  }

  /** @param scanCount the COUNT of each SCAN (tests sweep many pages of a small keyspace with a small one) */
  public WarmUpKeys(RedisAPI redis, RedisSettings.Mode mode, long commandTimeoutMs, int scanCount) {
    this.redis = redis;
    this.mode = mode;
    this.commandTimeoutMs = commandTimeoutMs;
    this.scanCount = scanCount;
  }

  /** Fails when Redis does not answer in time; the caller logs it (the keys then may be left over). */
  public Future<Void> delete(long saleId, Collection<String> orderIds) {
    List<String> keys = new ArrayList<>(WarmUpSales.fixedKeys(saleId));
    orderIds.stream().map(RedisKeys::order).forEach(keys::add);
    return deleteInChunks(keys)
        .compose(x -> mode == RedisSettings.Mode.STANDALONE ? sweep(saleId) : Future.succeededFuture());
  }

  /**
   * One SCAN page after another until the cursor comes back to 0. Each page is started from the previous one's
   * callback and the sweep completes one promise: a chain of {@code compose}d pages would complete as deep a nest of
   * futures as there are pages, and the thousands of pages of a Redis holding millions of keys overflowed the event
   * loop's stack (the warm-up then never ended, and readiness with it).
   */
  private Future<Void> sweep(long saleId) {
    Promise<Void> swept = Promise.promise();
    sweepPage(saleId, "0", swept);
    return swept.future();
  }

  private void sweepPage(long saleId, String cursor, Promise<Void> swept) {
    bounded(redis.scan(List.of(cursor, "MATCH", Bucket.root(saleId).tag() + "*", "COUNT", Integer.toString(scanCount))))
        .compose(page -> {
          List<String> keys = new ArrayList<>();
          page.get(1).forEach(key -> keys.add(key.toString()));
          return deleteInChunks(keys).map(x -> page.get(0).toString());
        })
        .onFailure(swept::fail)
        .onSuccess(next -> {
          if ("0".equals(next)) {
            swept.complete();
          } else {
            sweepPage(saleId, next, swept);
          }
        });
  }

  private Future<Void> deleteInChunks(List<String> keys) {
    List<Future<?>> chunks = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += CHUNK) {
      chunks.add(bounded(redis.del(keys.subList(from, Math.min(keys.size(), from + CHUNK)))));
    }
    return Future.all(chunks).mapEmpty();
  }

  private <T> Future<T> bounded(Future<T> command) {
    return command.timeout(commandTimeoutMs, TimeUnit.MILLISECONDS);
  }
}
