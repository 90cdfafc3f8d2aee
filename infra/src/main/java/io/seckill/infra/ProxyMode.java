package io.seckill.infra;

import java.time.Duration;
import java.util.Objects;

/** How long after its arrival a chunk is due, per direction; {@link #NEVER} holds it until the mode changes. */
record ProxyMode(String label, long towardsTargetNanos, long towardsClientNanos) {
  static final long NEVER = Long.MAX_VALUE;
  static final ProxyMode PASS = new ProxyMode("pass", 0, 0);
  static final ProxyMode BLACK_HOLE = new ProxyMode("blackHole", NEVER, NEVER);
  static final ProxyMode RESET = new ProxyMode("reset", NEVER, NEVER);

  /** Chunks towards the client (and, if {@code bothWays}, towards the target) held {@code d} after arrival. */
  static ProxyMode delay(String label, Duration d, boolean bothWays) {
    Objects.requireNonNull(d, label);
    if (d.isNegative()) {
      throw new IllegalArgumentException(label + " must not be negative: " + d);
    }
    long nanos = d.toNanos();
    return new ProxyMode(label + " " + d.toMillis() + "ms", bothWays ? nanos : 0, nanos);
  }

  long holdNanos(boolean towardsTarget) {
    return towardsTarget ? towardsTargetNanos : towardsClientNanos;
  }
}
