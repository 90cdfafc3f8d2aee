package io.seckill.consumer;

import io.seckill.common.management.Health;
import io.seckill.consumer.poll.OrderPollLoop;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loops' threads, one per {@link OrderPollLoop}, and the start-up warm-up before them. The warm-up runs on a
 * thread of its own before the loops join the group, so it can never commit an offset there, and readiness waits
 * for it. Fail-open: it ends (logged) on any failure or past its time bound, and the loops start cold.
 *
 * <p>A consumer that starts with a backlog (restarted during a sale) skips the warm-up: the orders queued for it are
 * real traffic that warms the JIT as well as synthetic orders would, and they must not wait tens of seconds behind
 * them. When the backlog cannot be read, the warm-up runs as usual.
 */
final class PollLoops {
  private static final Logger LOG = LoggerFactory.getLogger(PollLoops.class);

  private final List<OrderPollLoop> loops;
  private final ConsumerWarmUp warmUp;
  private final LongSupplier backlog;
  private final long skipAtBacklog;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean warm;
  private volatile long skippedAtBacklog = -1;
  private volatile Thread warmUpThread;

  /**
   * @param warmUp        null when the warm-up is off
   * @param backlog       the orders queued for the group now; negative when Kafka cannot tell (may block)
   * @param skipAtBacklog the backlog from which the warm-up is skipped; 0 never skips
   */
  PollLoops(List<OrderPollLoop> loops, ConsumerWarmUp warmUp, LongSupplier backlog, long skipAtBacklog) {
    this.loops = List.copyOf(loops);
    this.warmUp = warmUp;
    this.backlog = backlog;
    this.skipAtBacklog = skipAtBacklog;
    this.warm = warmUp == null;
  }

  /** Runs the warm-up, then starts the loops; at once when the warm-up is off. Returns without waiting. */
  void start() {
    if (warmUp == null) {
      startLoops();
      return;
    }
    Thread thread = new Thread(() -> {
      long queued = skipAtBacklog > 0 ? backlog.getAsLong() : -1;
      if (skipAtBacklog > 0 && queued >= skipAtBacklog) {
        skippedAtBacklog = queued;
        LOG.info("warm-up skipped: {} orders are queued for the group (SECKILL_CONSUMER_WARMUP_SKIP_BACKLOG {}), the loops"
            + " start on them at once", queued, skipAtBacklog);
      } else {
        warmUp.run(stopping::get);
      }
      synchronized (this) {
        warm = true;
        if (!stopping.get()) {
          startLoops();
        }
      }
    }, "seckill-order-consumer-warm-up");
    warmUpThread = thread;
    thread.start();
  }

  private synchronized void startLoops() {
    for (int i = 0; i < loops.size(); i++) {
      Thread thread = new Thread(loops.get(i), "seckill-order-loop-" + i);
      threads.add(thread);
      thread.start();
    }
  }

  /**
   * Blocking: ends the warm-up (the loops then never start), asks every loop to finish and commit the batch in hand,
   * and waits for each thread, at most {@code bound} apiece.
   */
  void stop(Duration bound) {
    stopping.set(true);
    Thread warming = warmUpThread;
    if (warming != null) {
      joinQuietly(warming, bound);
    }
    List<Thread> started;
    synchronized (this) {
      started = List.copyOf(threads);
    }
    loops.forEach(OrderPollLoop::stop);
    for (Thread thread : started) {
      joinQuietly(thread, bound);
    }
  }

  /** The "consumer" readiness check: not ready while warming up, nor once a loop died. */
  Future<?> readiness() {
    if (!warm) {
      return Health.notReady("warming-up", warmUp.progress());
    }
    long dead = loops.stream().filter(loop -> !loop.healthy()).count();
    return dead == 0 ? Future.succeededFuture()
        : Health.notReady("loops-stopped", dead + " of " + loops.size() + " poll loops stopped");
  }

  /** True once the start-up warm-up is over (at once when it is off). */
  boolean warm() {
    return warm;
  }

  /** The backlog that made the warm-up skip; -1 when it ran, is running or is off. */
  long warmUpSkippedAtBacklog() {
    return skippedAtBacklog;
  }

  /** The reserved sale id the warm-up used, or -1 when it is off. */
  long warmUpSaleId() {
    return warmUp == null ? -1 : warmUp.saleId();
  }

  /** Orders the warm-up read back from the warm-up topic; -1 when it is off. */
  int warmUpReadBack() {
    return warmUp == null ? -1 : warmUp.readBack();
  }

  /** True while every poll loop is alive (false after a simulated crash). */
  boolean healthy() {
    return loops.stream().allMatch(OrderPollLoop::healthy);
  }

  /** Partitions currently owned by the loops. */
  int assignedPartitions() {
    return loops.stream().mapToInt(loop -> loop.assignment().size()).sum();
  }

  private static void joinQuietly(Thread thread, Duration bound) {
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
