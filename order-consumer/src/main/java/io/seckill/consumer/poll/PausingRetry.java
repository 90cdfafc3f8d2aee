package io.seckill.consumer.poll;

import io.seckill.consumer.batch.Backoff;
import io.seckill.consumer.batch.BatchFaults;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a poll loop waits for a dependency that refuses (PostgreSQL, the DLQ): it keeps the batch in hand, pauses its
 * partitions and keeps polling through each jittered backoff delay, so heartbeats and rebalances go on, the member
 * keeps its place in the group and no offset moves; it resumes by itself once the step succeeds. One per poll loop,
 * used from its thread only (as its KafkaConsumer is).
 */
final class PausingRetry {
  private static final Logger LOG = LoggerFactory.getLogger(PausingRetry.class);

  private final String name;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final BooleanSupplier running;
  private boolean paused;

  /** @param running false once the loop is asked to stop: the retry then gives up */
  PausingRetry(String name, Duration backoffMin, Duration backoffMax, BooleanSupplier running) {
    this.name = name;
    this.backoffMin = backoffMin;
    this.backoffMax = backoffMax;
    this.running = running;
  }

  /**
   * Runs the step until it succeeds, pausing the assigned partitions in between and polling through the backoff so
   * the group keeps this member. Returns null when stopping or when every partition of the batch was revoked
   * meanwhile. A {@link BatchFaults.SimulatedCrash} is never retried.
   */
  <T> T run(Consumer<byte[], byte[]> c, String step, PolledBatch inHand, Callable<T> action) {
    Backoff backoff = new Backoff(backoffMin, backoffMax);
    while (true) {
      try {
        T result = action.call();
        resumeIfPaused(c, step + " succeeded after " + backoff.attempts() + " retries");
        return result;
      } catch (BatchFaults.SimulatedCrash crash) {
        throw crash;
      } catch (Exception failure) {
        if (!running.getAsBoolean()) {
          return null;
        }
        long delay = backoff.nextDelayMs();
        LOG.warn("{}: {} failed for a batch of {} records (attempt {}): {}; partitions paused, retrying in {} ms",
            name, step, inHand.size(), backoff.attempts(), String.valueOf(failure.getMessage()), delay);
        if (!paused) {
          c.pause(c.assignment());
          paused = true;
        }
        if (!pollWhilePaused(c, delay)) {
          return null;
        }
        if (inHand.isEmpty()) {
          resumeIfPaused(c, "every partition of the batch was revoked");
          return null;
        }
      }
    }
  }

  /** From the assignment callback: partitions assigned while the loop waits stay paused with the others. */
  void pauseIfWaiting(Consumer<byte[], byte[]> c, Collection<TopicPartition> assigned) {
    if (paused) {
      c.pause(assigned);
    }
  }

  /** The consumer was closed (its pauses went with it). */
  void reset() {
    paused = false;
  }

  private void resumeIfPaused(Consumer<byte[], byte[]> c, String why) {
    if (paused) {
      c.resume(c.paused());
      paused = false;
      LOG.info("{}: {}; consumption resumed", name, why);
    }
  }

  /** Waits out a backoff delay inside poll(), so heartbeats and rebalances go on. False when stopping. */
  private boolean pollWhilePaused(Consumer<byte[], byte[]> c, long delayMs) {
    long deadline = System.nanoTime() + delayMs * 1_000_000L;
    long left;
    while (running.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
      try {
        ConsumerRecords<byte[], byte[]> unexpected = c.poll(Duration.ofNanos(left));
        // Every partition is paused, so nothing should come; if something does, read it again later.
        PolledBatch.firstOffsets(unexpected).forEach(c::seek);
      } catch (WakeupException stopping) {
        return false;
      }
    }
    return running.getAsBoolean();
  }
}
