package io.seckill.gateway.warmup;

import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.warmup.WarmUpSales;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Redis side of the warm-up's two reserved sales: seeded before the traffic, every key removed after it. */
public final class WarmUpSalesInRedis {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUpSalesInRedis.class);
  private static final long REDIS_TIMEOUT_MS = 2_000;

  private final RedisAPI redis;
  private final RedisSettings.Mode redisMode;

  public WarmUpSalesInRedis(RedisAPI redis, RedisSettings.Mode redisMode) {
    this.redis = redis;
    this.redisMode = redisMode;
  }

  Future<?> seed(long saleId, int stock) {
    long now = System.currentTimeMillis();
    return bounded(redis.hset(List.of(Bucket.root(saleId).meta(), "startsAt", Long.toString(now - 60_000),
            "endsAt", Long.toString(now + 3_600_000), "perUserLimit", "1", "requireToken", "0", "priceCents", "1",
            "itemName", "warm-up", "paymentTimeoutS", "60")))
        .compose(x -> bounded(redis.set(List.of(Bucket.root(saleId).stock(), Integer.toString(stock)))));
  }

  /** Removes every Redis key of the warm-up sales, the status keys of {@code orderIds} among them; never fails. */
  Future<Void> cleanUp(List<Long> sales, Set<String> orderIds) {
    List<Future<?>> deletions = new ArrayList<>();
    for (long sale : sales) {
      deletions.add(bounded(redis.hgetall(Bucket.root(sale).buyers())).compose(buyers -> {
        List<String> keys = new ArrayList<>(WarmUpSales.fixedKeys(sale));
        for (String user : buyers.getKeys()) {
          orderIds.add(buyers.get(user).toString());
        }
        orderIds.stream().filter(id -> id.startsWith(sale + "-")).map(RedisKeys::order).forEach(keys::add);
        return deleteInChunks(keys);
      }).compose(x -> redisMode == RedisSettings.Mode.STANDALONE ? sweep(sale, "0") : Future.succeededFuture()));
    }
    return Future.join(deletions)
        .onFailure(e -> LOG.warn("warm-up: Redis keys of sales {} may be left over: {}", sales, e.toString()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /**
   * Standalone Redis: also the keys no answer named (an order released after a failed send). In a cluster they are
   * order status keys only, and expire with their TTL.
   */
  private Future<Void> sweep(long saleId, String cursor) {
    return bounded(redis.scan(List.of(cursor, "MATCH", Bucket.root(saleId).tag() + "*", "COUNT", "1000")))
        .compose(page -> {
          List<String> keys = new ArrayList<>();
          page.get(1).forEach(key -> keys.add(key.toString()));
          String nextCursor = page.get(0).toString();
          return deleteInChunks(keys).compose(x -> "0".equals(nextCursor) ? Future.succeededFuture()
              : sweep(saleId, nextCursor));
        });
  }

  private Future<Void> deleteInChunks(List<String> keys) {
    List<Future<?>> chunks = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += 500) {
      chunks.add(bounded(redis.del(keys.subList(from, Math.min(keys.size(), from + 500)))));
    }
    return Future.all(chunks).mapEmpty();
  }

  private static <T> Future<T> bounded(Future<T> command) {
    return command.timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
