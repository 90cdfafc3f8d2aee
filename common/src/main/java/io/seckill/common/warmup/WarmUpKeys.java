package io.seckill.common.warmup;

import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
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

  private final RedisAPI redis;
  private final RedisSettings.Mode mode;
  private final long commandTimeoutMs;

  /** @param commandTimeoutMs bound on each Redis command */
  public WarmUpKeys(RedisAPI redis, RedisSettings.Mode mode, long commandTimeoutMs) {
    this.redis = redis;
    this.mode = mode;
    this.commandTimeoutMs = commandTimeoutMs;
  }

  /** Fails when Redis does not answer in time; the caller logs it (the keys then may be left over). */
  public Future<Void> delete(long saleId, Collection<String> orderIds) {
    List<String> keys = new ArrayList<>(WarmUpSales.fixedKeys(saleId));
    orderIds.stream().map(RedisKeys::order).forEach(keys::add);
    return deleteInChunks(keys)
        .compose(x -> mode == RedisSettings.Mode.STANDALONE ? sweep(saleId, "0") : Future.succeededFuture());
  }

  private Future<Void> sweep(long saleId, String cursor) {
    return bounded(redis.scan(List.of(cursor, "MATCH", Bucket.root(saleId).tag() + "*", "COUNT", "1000")))
        .compose(page -> {
          List<String> keys = new ArrayList<>();
          page.get(1).forEach(key -> keys.add(key.toString()));
          String next = page.get(0).toString();
          return deleteInChunks(keys).compose(x -> "0".equals(next) ? Future.succeededFuture() : sweep(saleId, next));
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
