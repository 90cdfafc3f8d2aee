package io.seckill.consumer.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against Kafka's own MockConsumer, whose commitSync can be told to refuse the next commits. */
class OffsetCommitterTest {
  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);

  private final RefusingConsumer consumer = new RefusingConsumer();
  private final OffsetCommitter committer = new OffsetCommitter("loop-test");

  @BeforeEach
  void assignBothPartitions() {
    consumer.assign(List.of(P0, P1));
  }

  @Test
  void aProcessedBatchsOffsetsAreCommittedAtOnce() {
    committer.commit(consumer, Map.of(P0, offset(5), P1, offset(7)));

    assertThat(committed()).isEqualTo(Map.of(P0, offset(5), P1, offset(7)));
  }

  @Test
  void aCommitARebalanceRefusedIsMadeByTheNextCommitOwed() {
    consumer.refuseNextCommit(new RebalanceInProgressException("rebalancing"));
    committer.commit(consumer, Map.of(P0, offset(5)));
    assertThat(committed()).isEmpty();

    committer.commitOwed(consumer);

    assertThat(committed()).isEqualTo(Map.of(P0, offset(5)));
  }

  @Test
  void aLaterBatchOfAPartitionSupersedesItsOffsetStillOwed() {
    consumer.refuseNextCommit(new RebalanceInProgressException("rebalancing"));
    committer.commit(consumer, Map.of(P0, offset(5)));

    committer.commit(consumer, Map.of(P0, offset(9)));

    assertThat(committed()).isEqualTo(Map.of(P0, offset(9)));
  }

  @Test
  void owedOffsetsOfPartitionsNoLongerAssignedAreNotCommitted() {
    consumer.refuseNextCommit(new RebalanceInProgressException("rebalancing"));
    committer.commit(consumer, Map.of(P0, offset(5), P1, offset(7)));
    consumer.assign(List.of(P1));

    committer.commitOwed(consumer);

    assertThat(committed()).isEqualTo(Map.of(P1, offset(7)));
  }

  @Test
  void nothingOwedMeansNoCommitIsSent() {
    committer.commitOwed(consumer);

    assertThat(consumer.commits).isZero();
  }

  @Test
  void aCommitThatFailedForGoodIsNotRetried() {
    consumer.refuseNextCommit(new CommitFailedException("fenced"));
    committer.commit(consumer, Map.of(P0, offset(5)));

    committer.commitOwed(consumer);

    assertThat(consumer.commits).isEqualTo(1);
    assertThat(committed()).isEmpty();
  }

  @Test
  void revokedPartitionsHaveTheirOwedOffsetsCommittedBeforeTheyMoveAndOnlyThose() {
    consumer.refuseNextCommit(new RebalanceInProgressException("rebalancing"));
    committer.commit(consumer, Map.of(P0, offset(5), P1, offset(7)));

    committer.commitRevoked(consumer, List.of(P0));

    assertThat(committed()).isEqualTo(Map.of(P0, offset(5)));
  }

  @Test
  void lostPartitionsAreForgottenNotCommitted() {
    consumer.refuseNextCommit(new RebalanceInProgressException("rebalancing"));
    committer.commit(consumer, Map.of(P0, offset(5), P1, offset(7)));

    committer.forget(List.of(P0));
    committer.commitOwed(consumer);

    assertThat(committed()).isEqualTo(Map.of(P1, offset(7)));
  }

  @Test
  void aStopArrivingDuringTheCommitStillCommitsTheFinishedBatch() {
    consumer.refuseNextCommit(new WakeupException());

    committer.commit(consumer, Map.of(P0, offset(5)));

    assertThat(committed()).isEqualTo(Map.of(P0, offset(5)));
    assertThat(consumer.commits).isEqualTo(2);
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() {
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(consumer.committed(Set.of(P0, P1)));
    committed.values().removeIf(Objects::isNull);
    return committed;
  }

  private static OffsetAndMetadata offset(long next) {
    return new OffsetAndMetadata(next);
  }

  /** Kafka's MockConsumer, with commitSync failing as scripted before it commits. */
  private static final class RefusingConsumer extends MockConsumer<byte[], byte[]> {
    private final Deque<RuntimeException> refusals = new ArrayDeque<>();
    private int commits;

    RefusingConsumer() {
      super("earliest");
    }

    void refuseNextCommit(RuntimeException refusal) {
      refusals.add(refusal);
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      commits++;
      RuntimeException refusal = refusals.poll();
      if (refusal != null) {
        throw refusal;
      }
      super.commitSync(offsets);
    }
  }
}
