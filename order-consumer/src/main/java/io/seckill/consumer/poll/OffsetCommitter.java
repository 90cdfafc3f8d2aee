package io.seckill.consumer.poll;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits exactly the offsets of processed batches, synchronously. A commit refused because a
 * rebalance is in progress is kept and retried after the next poll (which completes the
 * rebalance) for the partitions still owned, or in the revoke callback for those that move; the
 * rows are already in the database, so a commit that never lands costs only no-op redeliveries.
 * One per poll loop, used from its thread only.
 */
final class OffsetCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

  private final String name;
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

  OffsetCommitter(String name) {
    this.name = name;
  }

  /** Records a processed batch's offsets and commits everything still owed. */
  void commit(Consumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> processed) {
    uncommitted.putAll(processed); // batches of one partition arrive in order: later offsets supersede
    commitOwed(consumer);
  }

  /** Retries commits a rebalance refused; called after every poll. */
  void commitOwed(Consumer<byte[], byte[]> consumer) {
    if (uncommitted.isEmpty()) {
      return;
    }
    uncommitted.keySet().retainAll(consumer.assignment());
    Map<TopicPartition, OffsetAndMetadata> owed = Map.copyOf(uncommitted);
    try {
      commitSync(consumer, owed);
      uncommitted.clear();
    } catch (RebalanceInProgressException | RetriableException later) {
      LOG.info("{}: offset commit of {} partitions postponed ({}); retrying after the next poll", name, owed.size(),
          later.getMessage());
    } catch (KafkaException lost) {
      LOG.warn("{}: offset commit failed ({}); the new owner of the {} partitions replays them as no-ops", name,
          lost.getMessage(), owed.size());
      uncommitted.clear();
    }
  }

  /** From the revoke callback: commits what is done on the partitions that move, before they move. */
  void commitRevoked(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> revoked) {
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    for (TopicPartition partition : revoked) {
      OffsetAndMetadata offset = uncommitted.remove(partition);
      if (offset != null) {
        done.put(partition, offset);
      }
    }
    if (!done.isEmpty()) {
      try {
        commitSync(consumer, done);
      } catch (KafkaException e) {
        LOG.warn("{}: commit on revocation failed ({}); the new owner replays {} partitions as no-ops", name,
            e.getMessage(), done.size());
      }
    }
  }

  /** Lost partitions (the member was fenced) cannot be committed. */
  void forget(Collection<TopicPartition> lost) {
    lost.forEach(uncommitted::remove);
  }

  private static void commitSync(Consumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException stopRequested) {
      consumer.commitSync(offsets); // a stop arrived mid-batch: the batch is done, so still commit it
    }
  }
}
