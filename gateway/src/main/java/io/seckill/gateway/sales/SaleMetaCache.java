package io.seckill.gateway.sales;

import io.seckill.gateway.RedisCalls;
import io.seckill.common.auth.ProofOfWork;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.Bucket;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sale meta kept in memory for a short time, so UPCOMING/ENDED answers and the per-user limit need
 * no Redis call. The cached value is the Future itself: a stampede of misses makes one HMGET.
 * Unknown sales are cached too (empty), so made-up sale ids cannot hammer Redis.
 *
 * <p>A sale Redis does not know is not necessarily unknown: Redis may have lost its data (restarted
 * empty) while PostgreSQL holds the sale. PostgreSQL decides between 404 SALE_NOT_FOUND and 503
 * SALE_NOT_READY (its answer cached like the meta); a sale the database knows is not cached as missing,
 * and the restock broadcast that ends every warm-up evicts the sale, so an operator's warm-up takes effect
 * on the next request.
 */
public final class SaleMetaCache {
  private static final List<String> FIELDS = List.of("startsAt", "endsAt", "perUserLimit", "requireToken", "priceCents",
      "itemName", "buckets", "paused", "challengeDifficulty");
  private static final int MAX_ENTRIES = 10_000;

  /** A cached load: the Future itself, so a stampede of misses makes one call. */
  private record Timed<V>(Future<V> value, long expiresAt) {
  }

  static final String SALE_EXISTS = "SELECT EXISTS (SELECT 1 FROM sale WHERE sale_id = $1) AS known";

  private final Map<Long, Timed<Optional<SaleMeta>>> entries = new ConcurrentHashMap<>();
  private final Map<Long, Timed<Boolean>> known = new ConcurrentHashMap<>();
  // Bound once, so a cache hit on the purchase path allocates no loader.
  private final java.util.function.LongFunction<Future<Optional<SaleMeta>>> loadMeta = this::load;
  private final java.util.function.LongFunction<Future<Boolean>> askDatabase = this::askDatabase;
  private final RedisAPI redis;
  private final RedisCalls calls;
  private final io.vertx.sqlclient.Pool pg;
  private final long ttlMs;
  private final LongSupplier clock;

  public SaleMetaCache(RedisAPI redis, RedisCalls calls, io.vertx.sqlclient.Pool pg, long ttlMs, LongSupplier clock) {
    this.redis = redis;
    this.calls = calls;
    this.pg = pg;
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  /** After a warm-up or restock of the sale (the broadcast): its next request reads Redis again. */
  public void evict(long saleId) {
    entries.remove(saleId);
    known.remove(saleId);
  }

  public void evictAll() {
    entries.clear();
    known.clear();
  }

  /**
   * The answer for a sale Redis does not know: 404 SALE_NOT_FOUND when the database does not know it either,
   * 503 SALE_NOT_READY when it does (Redis lost it; an operator's warm-up brings it back).
   */
  public <T> Future<T> missing(long saleId) {
    return inDatabase(saleId).compose(inDb -> {
      if (!inDb) {
        return Future.failedFuture(new ProblemException(ErrorCode.SALE_NOT_FOUND, "sale " + saleId + " does not exist"));
      }
      Timed<Optional<SaleMeta>> cached = entries.get(saleId);
      if (cached != null && cached.value().isComplete() && cached.value().succeeded() && cached.value().result().isEmpty()) {
        entries.remove(saleId, cached);
      }
      return Future.failedFuture(new ProblemException(ErrorCode.SALE_NOT_READY, "sale " + saleId
          + " exists but its stock is not loaded yet; retry shortly", new io.vertx.core.json.JsonObject(),
          Map.of("Retry-After", Integer.toString(RedisCalls.RETRY_AFTER_S))));
    });
  }

  private Future<Boolean> inDatabase(long saleId) {
    return cached(known, saleId, askDatabase);
  }

  private Future<Boolean> askDatabase(long saleId) {
    // Fail-closed to 503: without the database a sale missing from Redis cannot be called unknown.
    return pg.preparedQuery(SALE_EXISTS).execute(io.vertx.sqlclient.Tuple.of(saleId))
        .map(rows -> rows.iterator().next().getBoolean("known"))
        .recover(e -> Future.failedFuture(ProblemException.unavailable("sale store unavailable, retry shortly",
            RedisCalls.RETRY_AFTER_S)));
  }

  /** The cached load of {@code key}, or a new one; a failed load (store down) is not kept, the next call retries. */
  private <V> Future<V> cached(Map<Long, Timed<V>> cache, long key, java.util.function.LongFunction<Future<V>> load) {
    long now = clock.getAsLong();
    Timed<V> entry = cache.get(key);
    if (entry == null || entry.expiresAt() <= now) {
      if (cache.size() >= MAX_ENTRIES) {
        cache.clear();
      }
      Future<V> loading = load.apply(key);
      Timed<V> fresh = new Timed<>(loading, now + ttlMs);
      cache.put(key, fresh);
      loading.onFailure(e -> cache.remove(key, fresh));
      entry = fresh;
    }
    return entry.value();
  }

  /** The clock the cache and every sale-window check of the gateway read (epoch ms). */
  public long now() {
    return clock.getAsLong();
  }

  /** The sale's meta; fails with SALE_NOT_FOUND when Redis does not know it, UNAVAILABLE when Redis is down. */
  public Future<SaleMeta> get(long saleId) {
    return cached(entries, saleId, loadMeta)
        .compose(meta -> meta.isPresent() ? Future.succeededFuture(meta.get()) : missing(saleId));
  }

  private Future<Optional<SaleMeta>> load(long saleId) {
    // Fail-closed: without the meta nothing can be admitted.
    return calls.call("HMGET meta", () -> redis.hmget(prepend(Bucket.root(saleId).meta())))
        .map(response -> parse(saleId, response));
  }

  private static List<String> prepend(String key) {
    java.util.ArrayList<String> args = new java.util.ArrayList<>(FIELDS.size() + 1);
    args.add(key);
    args.addAll(FIELDS);
    return args;
  }

  static Optional<SaleMeta> parse(long saleId, Response fields) {
    if (fields == null || fields.size() < FIELDS.size() || fields.get(0) == null || fields.get(1) == null) {
      return Optional.empty();
    }
    return Optional.of(new SaleMeta(saleId,
        fields.get(5) == null ? "" : fields.get(5).toString(),
        fields.get(4) == null ? 0 : fields.get(4).toLong(),
        fields.get(0).toLong(),
        fields.get(1).toLong(),
        fields.get(2) == null ? 1 : fields.get(2).toInteger(),
        fields.get(3) != null && "1".equals(fields.get(3).toString()),
        fields.get(6) == null ? 1 : Math.max(1, Math.min(io.seckill.common.redis.Bucket.MAX_BUCKETS, fields.get(6).toInteger())),
        fields.get(7) != null && "1".equals(fields.get(7).toString()),
        fields.get(8) == null ? 0 : Math.max(0, Math.min(ProofOfWork.MAX_DIFFICULTY, fields.get(8).toInteger()))));
  }
}
