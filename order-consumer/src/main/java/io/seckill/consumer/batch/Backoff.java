package io.seckill.consumer.batch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded exponential backoff with full jitter: attempt n waits a random time in
 * [min, min(max, min * 2^n)], so many consumers retrying one database do not knock in step.
 * Not thread-safe: one per retry loop.
 */
public final class Backoff {
  private final long minMs;
  private final long maxMs;
  private int attempt;

  public Backoff(Duration min, Duration max) {
    this.minMs = min.toMillis();
    this.maxMs = max.toMillis();
  }

  public long nextDelayMs() {
    long ceiling = Math.min(maxMs, minMs << Math.min(attempt, 20));
    attempt++;
    return ceiling <= minMs ? minMs : ThreadLocalRandom.current().nextLong(minMs, ceiling + 1);
  }

  public int attempts() {
    return attempt;
  }

  public void reset() {
    attempt = 0;
  }
}
