package io.seckill.common.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether this JVM's JIT has settled: over the last window (at least {@link #WINDOW_MS}), the compilers worked less
 * than {@link #MAX_SHARE} of it — the bench's own "steady" rule (docs/performance.md). A warm-up that runs its
 * minimum count and then until this says so ends when more of the same traffic would not compile much more.
 * Thread-safe; cheap to ask often (between windows it answers the last verdict).
 */
public final class JitSettling {
  /** Compile time over elapsed time below which the JIT counts as settled (summed over compiler threads). */
  public static final double MAX_SHARE = 0.05;
  public static final long WINDOW_MS = 1_000;

  private final LongSupplier compileMs;
  private final LongSupplier nanos;
  private long windowStartNanos = Long.MIN_VALUE;
  private long windowStartCompileMs;
  private boolean settled;
  private double lastShare = Double.NaN;

  /** This JVM's compilers; a JVM that cannot tell its compile time counts as settled at once. */
  public static JitSettling ofThisJvm() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return new JitSettling(() -> 0, System::nanoTime);
    }
    return new JitSettling(jit::getTotalCompilationTime, System::nanoTime);
  }

  /** @param compileMs total compile time so far (ms), @param nanos a monotonic clock */
  public JitSettling(LongSupplier compileMs, LongSupplier nanos) {
    this.compileMs = compileMs;
    this.nanos = nanos;
  }

  /** True once a whole window passed with the compilers busy less than {@link #MAX_SHARE} of it. */
  public synchronized boolean settled() {
    long now = nanos.getAsLong();
    if (windowStartNanos == Long.MIN_VALUE) {
      startWindow(now);
      return false;
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(now - windowStartNanos);
    if (elapsedMs >= WINDOW_MS) {
      lastShare = (double) (compileMs.getAsLong() - windowStartCompileMs) / elapsedMs;
      settled = lastShare < MAX_SHARE;
      startWindow(now);
    }
    return settled;
  }

  /** The compile share of the last whole window (NaN before one passed), for logs. */
  public synchronized double lastShare() {
    return lastShare;
  }

  private void startWindow(long now) {
    windowStartNanos = now;
    windowStartCompileMs = compileMs.getAsLong();
  }
}
