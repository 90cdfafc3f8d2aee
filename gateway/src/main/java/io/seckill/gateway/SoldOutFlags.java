package io.seckill.gateway;

import io.seckill.common.redis.Bucket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sales this gateway knows to be sold out, so losers are answered from memory with no Redis or
 * Kafka call. A flag is cleared by the restock broadcast and, as a safety net against a missed
 * broadcast, expires after a short time.
 *
 * <p>Beside each flag sits a snapshot of the sale's buyers (user → order id), loaded once when the
 * sale sells out: a shopper who already holds an order and asks again must get that order back
 * (200, {@code duplicate: true}), not SOLD_OUT, and the snapshot answers that from memory too. The
 * buyers of a sold-out sale only change when stock comes back, which clears the snapshot.
 *
 * <p>A sale split into stock buckets also has a flag per bucket: an empty bucket is skipped by the
 * admission walk (except a shopper's home bucket, which always answers for the shopper's own order),
 * and the sale itself is flagged only once every bucket was seen empty. A restock clears both.
 */
public final class SoldOutFlags {
  /** What the fast path knows about one shopper of a sold-out sale. */
  public enum Knowledge { NOT_SOLD_OUT, LOSER, BUYER, UNKNOWN }

  private final Map<Long, Long> expiresAt = new ConcurrentHashMap<>();
  private final Map<Long, Map<String, String>> buyers = new ConcurrentHashMap<>();
  private final Map<Bucket, Long> emptyBuckets = new ConcurrentHashMap<>();
  private final long ttlMs;
  private final LongSupplier clock;

  public SoldOutFlags(long ttlMs, LongSupplier clock) {
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  public void markSoldOut(long saleId) {
    if (ttlMs > 0) {
      expiresAt.put(saleId, clock.getAsLong() + ttlMs);
    }
  }

  public void markBucketEmpty(Bucket bucket) {
    if (ttlMs > 0) {
      emptyBuckets.put(bucket, clock.getAsLong() + ttlMs);
    }
  }

  public boolean isBucketEmpty(Bucket bucket) {
    return unexpired(emptyBuckets, bucket);
  }

  public boolean isSoldOut(long saleId) {
    return unexpired(expiresAt, saleId);
  }

  /** Whether the flag is set and not expired; an expired flag is dropped on the way. */
  private <K> boolean unexpired(Map<K, Long> flags, K key) {
    Long until = flags.get(key);
    if (until == null) {
      return false;
    }
    if (until <= clock.getAsLong()) {
      flags.remove(key, until);
      return false;
    }
    return true;
  }

  /** Whether the sale is sold out and, if so, whether this shopper is known to hold an order in it. */
  public Knowledge shopper(long saleId, String userId) {
    if (!isSoldOut(saleId)) {
      return Knowledge.NOT_SOLD_OUT;
    }
    Map<String, String> snapshot = buyers.get(saleId);
    if (snapshot == null) {
      return Knowledge.UNKNOWN;
    }
    return snapshot.containsKey(userId) ? Knowledge.BUYER : Knowledge.LOSER;
  }

  public Optional<String> orderOf(long saleId, String userId) {
    Map<String, String> snapshot = buyers.get(saleId);
    return snapshot == null ? Optional.empty() : Optional.ofNullable(snapshot.get(userId));
  }

  /** True when the buyers of this sold-out sale still have to be loaded. */
  public boolean needsBuyers(long saleId) {
    return !buyers.containsKey(saleId);
  }

  public void buyersLoaded(long saleId, Map<String, String> snapshot) {
    if (isSoldOut(saleId)) {
      buyers.put(saleId, Map.copyOf(snapshot));
    }
  }

  public void clear(long saleId) {
    expiresAt.remove(saleId);
    buyers.remove(saleId);
    emptyBuckets.keySet().removeIf(b -> b.saleId() == saleId);
  }

  /** After a lost pub/sub connection: any broadcast may have been missed. */
  public void clearAll() {
    expiresAt.clear();
    buyers.clear();
    emptyBuckets.clear();
  }
}
