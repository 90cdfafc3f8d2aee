package io.seckill.gateway.admission;

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
 * buyers of a sold-out sale only change when stock comes back, which clears the snapshot. The snapshot
 * belongs to one sell-out: it goes with its flag (cleared or expired), and a load that started for an
 * earlier sell-out is not installed under a later one — after a missed broadcast the flag expires, a
 * returned unit is sold to a new buyer, and that buyer must be in the next snapshot.
 *
 * <p>A sale split into stock buckets also has a flag per bucket: an empty bucket is skipped by the
 * admission walk (except a shopper's home bucket, which always answers for the shopper's own order),
 * and the sale itself is flagged only once every bucket was seen empty. A restock clears both.
 */
public final class SoldOutFlags {
  /** What the fast path knows about one shopper of a sold-out sale. */
  public enum Knowledge { NOT_SOLD_OUT, LOSER, BUYER, UNKNOWN }

  /** The knowledge and, for a BUYER, the order id, read together (a restock may clear the snapshot in between). */
  public record Lookup(Knowledge knowledge, String orderId) {
  }

  /** One sell-out of one sale: when it ends, and which one it is (a new flag after a clear or expiry is a new one). */
  private record Flag(long until, long generation) {
  }

  private final Map<Long, Flag> expiresAt = new ConcurrentHashMap<>();
  private final Map<Long, Map<String, String>> buyers = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong generations = new java.util.concurrent.atomic.AtomicLong();
  private final Map<Bucket, Long> emptyBuckets = new ConcurrentHashMap<>();
  private final long ttlMs;
  private final LongSupplier clock;

  public SoldOutFlags(long ttlMs, LongSupplier clock) {
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  public void markSoldOut(long saleId) {
    if (ttlMs > 0) {
      long until = clock.getAsLong() + ttlMs;
      // A live flag is extended and keeps its generation (and snapshot); a new sell-out gets a new one.
      expiresAt.compute(saleId, (id, flag) -> flag != null && flag.until() > clock.getAsLong()
          ? new Flag(until, flag.generation()) : new Flag(until, generations.incrementAndGet()));
    }
  }

  /** The generation of the sale's live flag, or -1; a buyers load remembers it and hands it back. */
  public long generation(long saleId) {
    Flag flag = expiresAt.get(saleId);
    return flag == null || flag.until() <= clock.getAsLong() ? -1 : flag.generation();
  }

  public void markBucketEmpty(Bucket bucket) {
    if (ttlMs > 0) {
      emptyBuckets.put(bucket, clock.getAsLong() + ttlMs);
    }
  }

  public boolean isBucketEmpty(Bucket bucket) {
    Long until = emptyBuckets.get(bucket);
    if (until == null) {
      return false;
    }
    if (until <= clock.getAsLong()) {
      emptyBuckets.remove(bucket, until);
      return false;
    }
    return true;
  }

  /** Whether the flag is set and not expired; an expired flag is dropped with its buyers snapshot. */
  public boolean isSoldOut(long saleId) {
    Flag flag = expiresAt.get(saleId);
    if (flag == null) {
      return false;
    }
    if (flag.until() <= clock.getAsLong()) {
      if (expiresAt.remove(saleId, flag)) {
        buyers.remove(saleId);
      }
      return false;
    }
    return true;
  }

  /** Whether the sale is sold out and, if so, whether this shopper is known to hold an order in it (and which). */
  public Lookup shopper(long saleId, String userId) {
    if (!isSoldOut(saleId)) {
      return new Lookup(Knowledge.NOT_SOLD_OUT, null);
    }
    Map<String, String> snapshot = buyers.get(saleId);
    if (snapshot == null) {
      return new Lookup(Knowledge.UNKNOWN, null);
    }
    String orderId = snapshot.get(userId);
    return orderId != null ? new Lookup(Knowledge.BUYER, orderId) : new Lookup(Knowledge.LOSER, null);
  }

  public Optional<String> orderOf(long saleId, String userId) {
    Map<String, String> snapshot = buyers.get(saleId);
    return snapshot == null ? Optional.empty() : Optional.ofNullable(snapshot.get(userId));
  }

  /** True when the buyers of this sold-out sale still have to be loaded. */
  public boolean needsBuyers(long saleId) {
    return !buyers.containsKey(saleId);
  }

  /**
   * Installs a buyers snapshot read for the sell-out of {@code generation}: dropped when that flag was
   * cleared or expired meanwhile (the buyers may have changed since the read).
   */
  public void buyersLoaded(long saleId, long generation, Map<String, String> snapshot) {
    if (generation >= 0 && generation(saleId) == generation) {
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
