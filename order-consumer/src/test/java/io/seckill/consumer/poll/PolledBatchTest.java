package io.seckill.consumer.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.OrderMessageCodec;
import io.seckill.common.order.OrderIds;
import io.seckill.consumer.batch.OrderOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PolledBatchTest {
  private static final String TOPIC = "orders";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final long SALE = 42;

  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> polled = new LinkedHashMap<>();

  @Test
  void decodingKeepsEveryRecordAndGivesAnUndecodableOneItsReason() {
    OrderMessage order = order("ann");
    add(P0, 10, order);
    add(P0, 11, "not json".getBytes(StandardCharsets.UTF_8));

    PolledBatch batch = PolledBatch.decode(records());

    assertThat(batch.size()).isEqualTo(2);
    assertThat(batch.distinctOrders()).containsExactly(order);
    assertThat(batch.poison()).singleElement().satisfies(entry -> {
      assertThat(entry.record().offset()).isEqualTo(11);
      assertThat(entry.poisonReason()).startsWith("not JSON: not json");
    });
  }

  @Test
  void distinctOrdersKeepArrivalOrderAndDropLaterCopiesOfAnId() {
    OrderMessage ann = order("ann");
    OrderMessage bob = order("bob");
    add(P0, 0, bob);
    add(P1, 0, ann);
    add(P0, 1, bob);

    assertThat(PolledBatch.decode(records()).distinctOrders()).containsExactly(bob, ann);
  }

  @Test
  void repeatedOrdersAreTheLaterCopiesOfAnIdWithinTheBatch() {
    OrderMessage ann = order("ann");
    OrderMessage bob = order("bob");
    add(P0, 0, ann);
    add(P0, 1, bob);
    add(P0, 2, ann);
    add(P0, 3, ann);

    assertThat(PolledBatch.decode(records()).repeatedOrders()).containsExactly(ann, ann);
  }

  @Test
  void deadLettersAreThePoisonRecordsAndTheFirstRecordOfEachOrderOfAnUnknownSale() {
    OrderMessage known = order("ann");
    OrderMessage orphan = order("bob");
    add(P0, 0, known);
    add(P0, 1, orphan);
    add(P0, 2, new byte[0]);
    add(P0, 3, orphan);
    PolledBatch batch = PolledBatch.decode(records());
    List<OrderOutcome> outcomes = List.of(
        new OrderOutcome(known, OrderOutcome.Result.INSERTED, "PENDING_PAYMENT", null),
        new OrderOutcome(orphan, OrderOutcome.Result.UNKNOWN_SALE, null, null));

    List<DeadLetterPublisher.DeadLetter> letters = batch.deadLetters(outcomes);

    assertThat(letters).extracting(letter -> letter.original().offset()).containsExactly(1L, 2L);
    assertThat(letters.get(0).reason()).isEqualTo("sale " + SALE + " does not exist in the database");
    assertThat(letters.get(1).reason()).isEqualTo(batch.poison().get(0).poisonReason());
  }

  @Test
  void nextOffsetsAreOnePastTheLastRecordOfEachPartitionPoisonIncluded() {
    add(P0, 5, order("ann"));
    add(P0, 6, order("bob"));
    add(P1, 20, "garbage".getBytes(StandardCharsets.UTF_8));

    assertThat(PolledBatch.decode(records()).nextOffsets())
        .isEqualTo(Map.of(P0, new OffsetAndMetadata(7), P1, new OffsetAndMetadata(21)));
  }

  @Test
  void droppingRevokedPartitionsRemovesTheirRecordsFromEveryAnswer() {
    OrderMessage kept = order("ann");
    add(P0, 5, kept);
    add(P1, 8, order("bob"));
    add(P1, 9, "garbage".getBytes(StandardCharsets.UTF_8));
    PolledBatch batch = PolledBatch.decode(records());

    batch.dropPartitions(List.of(P1));

    assertThat(batch.size()).isEqualTo(1);
    assertThat(batch.distinctOrders()).containsExactly(kept);
    assertThat(batch.poison()).isEmpty();
    assertThat(batch.nextOffsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(6)));
  }

  @Test
  void aBatchWhosePartitionsWereAllRevokedIsEmpty() {
    add(P0, 5, order("ann"));
    PolledBatch batch = PolledBatch.decode(records());

    batch.dropPartitions(List.of(P0, P1));

    assertThat(batch.isEmpty()).isTrue();
    assertThat(batch.nextOffsets()).isEmpty();
  }

  @Test
  void firstOffsetsAreTheFirstRecordOfEachPartitionOfThePoll() {
    add(P0, 5, order("ann"));
    add(P0, 6, order("bob"));
    add(P1, 30, order("cid"));

    assertThat(PolledBatch.firstOffsets(records())).isEqualTo(Map.of(P0, 5L, P1, 30L));
  }

  private static OrderMessage order(String user) {
    String orderId = OrderIds.next(SALE);
    return new OrderMessage(orderId, SALE, user, 1, 0L, "req-" + user);
  }

  private void add(TopicPartition partition, long offset, OrderMessage order) {
    add(partition, offset, OrderMessageCodec.encode(order));
  }

  private void add(TopicPartition partition, long offset, byte[] value) {
    polled.computeIfAbsent(partition, p -> new ArrayList<>())
        .add(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, value));
  }

  private ConsumerRecords<byte[], byte[]> records() {
    return new ConsumerRecords<>(polled, Map.of());
  }
}
