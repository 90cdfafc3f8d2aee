package io.seckill.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sales this gateway knows to be sold out, so losers are answered from memory with no Redis or
 * Kafka call. A flag is cleared by the restock broadcast and, as a safety net against a missed
 * broadcast, expires after a short time.
 */
public final class SoldOutFlags {
  private final Map<Long, Long> expiresAt = new ConcurrentHashMap<>();
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

  public boolean isSoldOut(long saleId) {
    Long until = expiresAt.get(saleId);
    if (until == null) {
      return false;
    }
    if (until <= clock.getAsLong()) {
      expiresAt.remove(saleId, until);
      return false;
    }
    return true;
  }

  public void clear(long saleId) {
    expiresAt.remove(saleId);
  }

  /** After a lost pub/sub connection: any broadcast may have been missed. */
  public void clearAll() {
    expiresAt.clear();
  }
}
