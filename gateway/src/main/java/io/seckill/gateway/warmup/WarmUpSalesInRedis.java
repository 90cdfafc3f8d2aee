package io.seckill.gateway.warmup;

import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.Bucket;
import io.seckill.common.warmup.WarmUpKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Redis side of the warm-up's reserved sales: seeded before the traffic, every key removed after it. */
public final class WarmUpSalesInRedis {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUpSalesInRedis.class);
  private static final long REDIS_TIMEOUT_MS = 2_000;

  private final RedisAPI redis;
  private final RedisSettings.Mode redisMode;

  public WarmUpSalesInRedis(RedisAPI redis, RedisSettings.Mode redisMode) {
    this.redis = redis;
    this.redisMode = redisMode;
  }

  /** A sale open for the next hour with {@code stock} units. */
  Future<?> seedOpen(long saleId, int stock) {
    return seed(saleId, stock, System.currentTimeMillis() - 60_000);
  }

  /** A sale that opens in an hour: every purchase is refused SALE_NOT_STARTED. */
  Future<?> seedUpcoming(long saleId) {
    return seed(saleId, 1_000, System.currentTimeMillis() + 3_600_000);
  }

  private Future<?> seed(long saleId, int stock, long startsAt) {
    return bounded(redis.hset(List.of(Bucket.root(saleId).meta(), "startsAt", Long.toString(startsAt),
            "endsAt", Long.toString(startsAt + 3_600_000), "perUserLimit", "1", "requireToken", "0", "priceCents", "1",
            "itemName", "warm-up", "paymentTimeoutS", "60")))
        .compose(x -> bounded(redis.set(List.of(Bucket.root(saleId).stock(), Integer.toString(stock)))));
  }

  /** Removes every Redis key of the warm-up sales, the status keys of {@code orderIds} among them; never fails. */
  Future<Void> cleanUp(List<Long> sales, Set<String> orderIds) {
    WarmUpKeys keys = new WarmUpKeys(redis, redisMode, REDIS_TIMEOUT_MS);
    List<Future<?>> deletions = new ArrayList<>();
    for (long sale : sales) {
      // Also the orders the answers did not name (a request that timed out): the buyers hash knows them all.
      deletions.add(bounded(redis.hgetall(Bucket.root(sale).buyers())).compose(buyers -> {
        for (String user : buyers.getKeys()) {
          orderIds.add(buyers.get(user).toString());
        }
        return keys.delete(sale, orderIds.stream().filter(id -> id.startsWith(sale + "-")).toList());
      }));
    }
    return Future.join(deletions)
        .onFailure(e -> LOG.warn("warm-up: Redis keys of sales {} may be left over: {}", sales, e.toString()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private static <T> Future<T> bounded(Future<T> command) {
    return command.timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
