package io.seckill.gateway.admission;

import io.seckill.common.redis.Bucket;
import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.sales.SaleMeta;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records what reserve.lua said about the stock in the {@link SoldOutFlags}, and loads a sold-out sale's buyers
 * beside its flag (the snapshot the fast path answers a returning buyer from).
 */
public final class SellOuts {
  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SoldOutFlags flags;
  private final Set<Long> buyerLoads = ConcurrentHashMap.newKeySet();

  public SellOuts(RedisAPI redis, RedisCalls calls, SoldOutFlags flags) {
    this.redis = redis;
    this.calls = calls;
    this.flags = flags;
  }

  public SoldOutFlags flags() {
    return flags;
  }

  /** The last unit of {@code bucket} was just taken: flag the bucket of a split sale, or the whole sale. */
  void lastUnitTaken(SaleMeta meta, Bucket bucket) {
    if (meta.buckets() > 1) {
      flags.markBucketEmpty(bucket);
    } else {
      soldOut(meta);
    }
  }

  /**
   * Flags the sale and, once per sell-out, loads its buyers (every bucket's) so their retries are
   * answered from memory too.
   */
  void soldOut(SaleMeta meta) {
    long saleId = meta.saleId();
    flags.markSoldOut(saleId);
    long generation = flags.generation(saleId);
    if (!flags.needsBuyers(saleId) || !buyerLoads.add(saleId)) {
      return;
    }
    // Fail-open: without the snapshot the fast path simply asks Redis, as before the sell-out.
    List<Future<Response>> reads = meta.allBuckets().stream()
        .map(b -> calls.callSkippingInFlightCap("HGETALL buyers", () -> redis.hgetall(b.buyers()))).toList();
    Future.all(reads)
        .onSuccess(all -> flags.buyersLoaded(saleId, generation, merged(reads)))
        .onComplete(done -> buyerLoads.remove(saleId));
  }

  private static Map<String, String> merged(List<Future<Response>> reads) {
    Map<String, String> snapshot = new HashMap<>();
    for (Future<Response> read : reads) {
      Response response = read.result();
      for (String user : response.getKeys()) {
        snapshot.put(user, response.get(user).toString());
      }
    }
    return snapshot;
  }
}
