package io.seckill.consumer.poll;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.consumer.ConsumerComponents;
import io.seckill.consumer.OrderConsumerConfig;
import io.seckill.consumer.batch.Backoff;
import io.seckill.consumer.batch.BatchFaults;
import io.seckill.consumer.batch.ConsumerMeters;
import io.seckill.consumer.batch.OrderBatchWriter;
import io.seckill.consumer.batch.OrderOutcome;
import io.seckill.consumer.batch.RedisOrderStatusWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll loop on its own thread with its own KafkaConsumer (a KafkaConsumer is single-threaded).
 * Per batch: persist in one PostgreSQL transaction, dead-letter what can never be stored, commit
 * exactly the processed offsets, then write the order statuses to Redis. Parallelism comes from
 * several loops in one consumer group (and several instances): each owns whole partitions, so the
 * order of one partition is kept and a rebalance needs no cross-thread hand-over.
 *
 * <p>When PostgreSQL (or the DLQ) refuses, the loop keeps the batch in hand, pauses its partitions
 * and keeps polling (group membership stays alive, no offset moves) while it retries with jittered
 * exponential backoff; it resumes by itself when the dependency is back ({@link PausingRetry}).
 * Its helpers ({@link PolledBatch}, {@link OffsetCommitter}, {@link PausingRetry}) are its own and
 * run on its thread only; what it shares with the other loops is thread-safe ({@link ConsumerComponents}).
 */
public final class OrderPollLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(OrderPollLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration REDIS_WAIT = Duration.ofSeconds(2);

  private final String name;
  private final OrderConsumerConfig config;
  private final KafkaConsumerFactory consumers;
  private final OrderBatchWriter writer;
  private final DeadLetterPublisher deadLetters;
  private final RedisOrderStatusWriter redisStatus;
  private final ConsumerMeters meters;
  private final BatchFaults faults;
  private final PausingRetry retry;

  private volatile boolean running = true;
  private volatile boolean crashed;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile Set<TopicPartition> assignment = Set.of();
  private final OffsetCommitter committer;
  private PolledBatch inHand;

  /** Creates this loop's consumer; a fresh one after an unexpected failure. */
  public interface KafkaConsumerFactory {
    KafkaConsumer<byte[], byte[]> create();
  }

  /** @param name the loop's client id, in its log lines */
  public OrderPollLoop(String name, ConsumerComponents shared, KafkaConsumerFactory consumers) {
    this.name = name;
    this.config = shared.config();
    this.consumers = consumers;
    this.writer = shared.writer();
    this.deadLetters = shared.deadLetters();
    this.redisStatus = shared.redisStatus();
    this.meters = shared.meters();
    this.faults = shared.faults();
    this.committer = new OffsetCommitter(name);
    this.retry = new PausingRetry(name, config.backoffMin(), config.backoffMax(), () -> running);
  }

  @Override
  public void run() {
    Backoff restart = new Backoff(config.backoffMin(), config.backoffMax());
    while (running) {
      try (KafkaConsumer<byte[], byte[]> c = consumers.create(); KafkaClientMetrics metrics = new KafkaClientMetrics(c)) {
        metrics.bindTo(meters.registry());
        consumer = c;
        c.subscribe(List.of(config.kafka().ordersTopic()), new Rebalance());
        pollUntilStopped(c);
      } catch (BatchFaults.SimulatedCrash crash) {
        LOG.warn("{}: {}; loop ends without committing offsets", name, crash.getMessage());
        crashed = true;
        return;
      } catch (RuntimeException unexpected) {
        long delay = restart.nextDelayMs();
        LOG.error("{}: poll loop failed; restarting with a new consumer in {} ms", name, delay, unexpected);
        sleepQuietly(delay);
      } finally {
        consumer = null;
        assignment = Set.of();
        inHand = null;
        retry.reset();
      }
    }
    LOG.info("{}: stopped", name);
  }

  /** Asks the loop to stop: the batch in hand is finished and committed, then the consumer closes. */
  public void stop() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /** False once the loop died for good (a simulated crash); readiness reports it. */
  public boolean healthy() {
    return !crashed;
  }

  public Set<TopicPartition> assignment() {
    return assignment;
  }

  private void pollUntilStopped(KafkaConsumer<byte[], byte[]> c) {
    while (running) {
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = c.poll(POLL_TIMEOUT);
      } catch (WakeupException stopping) {
        continue;
      }
      committer.commitOwed(c);
      if (!records.isEmpty()) {
        process(c, records);
      }
    }
    committer.commitOwed(c);
  }

  private void process(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    long started = System.nanoTime();
    inHand = PolledBatch.decode(records);
    List<OrderOutcome> outcomes = retry.run(c, "persisting orders", inHand, () -> writer.write(inHand.distinctOrders()));
    if (outcomes == null) {
      return; // stopping, or every partition of the batch was revoked: the records will be read again
    }
    faults.afterDatabaseCommit();
    List<DeadLetterPublisher.DeadLetter> letters = inHand.deadLetters(outcomes);
    if (!letters.isEmpty()) {
      if (retry.run(c, "dead-lettering", inHand, () -> publish(inHand.deadLetters(outcomes))) == null) {
        return;
      }
      meters.deadLettered(letters.size());
      letters.forEach(l -> LOG.warn("{}: record {}-{}@{} sent to the DLQ: {}", name, l.original().topic(),
          l.original().partition(), l.original().offset(), l.reason()));
    }
    committer.commit(c, inHand.nextOffsets());
    count(outcomes);
    meters.batch(inHand.size(), System.nanoTime() - started);
    inHand = null;
    // Fail-open: the rows are committed; the writer retries on its own while the process lives.
    redisStatus.write(outcomes, REDIS_WAIT);
  }

  private Boolean publish(List<DeadLetterPublisher.DeadLetter> letters) throws Exception {
    deadLetters.publish(letters);
    return Boolean.TRUE;
  }

  private void count(List<OrderOutcome> outcomes) {
    for (OrderOutcome outcome : outcomes) {
      meters.outcome(outcome.result());
      OrderMessage order = outcome.order();
      switch (outcome.result()) {
        case INSERTED -> LOG.debug("order {} (request {}) persisted: sale {}, {} units", order.orderId(),
            order.requestId(), order.saleId(), order.quantity());
        case REDELIVERED -> LOG.debug("order {} (request {}) redelivered: already {}", order.orderId(),
            order.requestId(), outcome.status());
        case FAILED_SOLD_OUT, FAILED_DUPLICATE -> LOG.info("order {} (request {}) refused by the database: FAILED {}",
            order.orderId(), order.requestId(), outcome.reason());
        case UNKNOWN_SALE -> LOG.warn("order {} (request {}) names sale {}, unknown to the database",
            order.orderId(), order.requestId(), order.saleId());
      }
    }
    for (PolledBatch.Entry ignored : inHand.poison()) {
      meters.undecodable();
    }
    for (OrderMessage repeat : inHand.repeatedOrders()) {
      meters.outcome(OrderOutcome.Result.REDELIVERED);
      LOG.debug("order {} (request {}) repeated within a batch", repeat.orderId(), repeat.requestId());
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Offsets are committed synchronously after every batch; at a revocation, what is done but not
   * yet committed (a commit a rebalance refused) is committed, and what is still in hand (waiting
   * for the database) is dropped for the new owner. Partitions assigned while paused stay paused.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      committer.commitRevoked(consumer, partitions);
      if (inHand != null) {
        inHand.dropPartitions(partitions);
      }
      assignment = Set.copyOf(consumer == null ? Set.of() : currentAssignmentWithout(partitions));
      LOG.info("{}: partitions revoked {}", name, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      committer.forget(partitions);
      if (inHand != null) {
        inHand.dropPartitions(partitions);
      }
      assignment = Set.of();
      LOG.warn("{}: partitions lost {}", name, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      retry.pauseIfWaiting(consumer, partitions);
      assignment = Set.copyOf(consumer.assignment());
      LOG.info("{}: partitions assigned {}", name, partitions);
    }

    private Set<TopicPartition> currentAssignmentWithout(Collection<TopicPartition> revoked) {
      Set<TopicPartition> left = new HashSet<>(consumer.assignment());
      revoked.forEach(left::remove);
      return left;
    }
  }
}
