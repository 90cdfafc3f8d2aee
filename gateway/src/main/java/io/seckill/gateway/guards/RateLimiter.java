package io.seckill.gateway.guards;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * In-memory token buckets, one per key (a user id or a client IP), per gateway instance: the
 * cluster-wide rate is this times the number of gateways. The map is bounded: past the cap, idle
 * (full) buckets are evicted, and if that is not enough the map is cleared — which lets a burst
 * through (fail-open), the right trade for a limiter whose job is shedding abuse, not correctness.
 */
public final class RateLimiter {
  private final double ratePerNano;
  private final double capacity;
  private final int maxKeys;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    private double tokens;
    private long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  public RateLimiter(int ratePerSecond, int burst, int maxKeys, LongSupplier nanoClock) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.capacity = burst;
    this.maxKeys = maxKeys;
    this.nanoClock = nanoClock;
  }

  /** 0 when the call may proceed (a token was taken), else the seconds to wait before retrying (>= 1). */
  public long tryAcquire(String key) {
    long now = nanoClock.getAsLong();
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= maxKeys) {
        evictIdle(now);
      }
      bucket = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
    }
    synchronized (bucket) {
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      double missing = 1 - bucket.tokens;
      return Math.max(1, (long) Math.ceil(missing / ratePerNano / 1e9));
    }
  }

  private void refill(Bucket bucket, long now) {
    long elapsed = now - bucket.refilledAt;
    if (elapsed > 0) {
      bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * ratePerNano);
      bucket.refilledAt = now;
    }
  }

  private void evictIdle(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next();
      synchronized (bucket) {
        refill(bucket, now);
        if (bucket.tokens >= capacity) {
          it.remove();
        }
      }
    }
    if (buckets.size() >= maxKeys) {
      buckets.clear();
    }
  }

  /** Drops the buckets whose key matches: the warm-up's synthetic keys go once it is done. */
  public void forget(java.util.function.Predicate<String> keys) {
    buckets.keySet().removeIf(keys);
  }

  public int size() {
    return buckets.size();
  }
}
