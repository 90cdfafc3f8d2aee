package io.seckill.consumer.poll;

import io.seckill.common.kafka.InvalidOrderMessage;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.OrderMessageCodec;
import io.seckill.consumer.batch.OrderOutcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one poll that are being worked on, decoded. Records of partitions revoked while
 * the batch waits for the database are dropped from it: their new owner will read them again.
 * Used by one poll-loop thread only.
 */
public final class PolledBatch {
  /** One record: an order, or the reason it can never be one. */
  record Entry(ConsumerRecord<byte[], byte[]> record, OrderMessage order, String poisonReason) {
  }

  private final List<Entry> entries;

  private PolledBatch(List<Entry> entries) {
    this.entries = entries;
  }

  public static PolledBatch decode(ConsumerRecords<byte[], byte[]> records) {
    List<Entry> entries = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      try {
        entries.add(new Entry(record, OrderMessageCodec.decode(record.value()), null));
      } catch (InvalidOrderMessage invalid) {
        entries.add(new Entry(record, null, invalid.getMessage()));
      }
    }
    return new PolledBatch(entries);
  }

  int size() {
    return entries.size();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void dropPartitions(Collection<TopicPartition> revoked) {
    Set<TopicPartition> gone = new HashSet<>(revoked);
    entries.removeIf(e -> gone.contains(new TopicPartition(e.record().topic(), e.record().partition())));
  }

  /** Distinct order ids in arrival order; later copies of an id are redeliveries inside the batch. */
  public List<OrderMessage> distinctOrders() {
    Map<String, OrderMessage> distinct = new LinkedHashMap<>();
    for (Entry entry : entries) {
      if (entry.order() != null) {
        distinct.putIfAbsent(entry.order().orderId(), entry.order());
      }
    }
    return new ArrayList<>(distinct.values());
  }

  /** Copies of an order id already seen earlier in this batch. */
  List<OrderMessage> repeatedOrders() {
    Set<String> seen = new HashSet<>();
    List<OrderMessage> repeats = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.order() != null && !seen.add(entry.order().orderId())) {
        repeats.add(entry.order());
      }
    }
    return repeats;
  }

  List<Entry> poison() {
    return entries.stream().filter(e -> e.order() == null).toList();
  }

  /** Undecodable records plus the first record of each order whose sale the database does not know. */
  public List<DeadLetterPublisher.DeadLetter> deadLetters(List<OrderOutcome> outcomes) {
    Map<String, OrderOutcome> unknownSale = new HashMap<>();
    for (OrderOutcome outcome : outcomes) {
      if (outcome.result() == OrderOutcome.Result.UNKNOWN_SALE) {
        unknownSale.put(outcome.order().orderId(), outcome);
      }
    }
    List<DeadLetterPublisher.DeadLetter> letters = new ArrayList<>();
    Set<String> sent = new HashSet<>();
    for (Entry entry : entries) {
      if (entry.order() == null) {
        letters.add(new DeadLetterPublisher.DeadLetter(entry.record(), entry.poisonReason()));
      } else if (unknownSale.containsKey(entry.order().orderId()) && sent.add(entry.order().orderId())) {
        letters.add(new DeadLetterPublisher.DeadLetter(entry.record(),
            "sale " + entry.order().saleId() + " does not exist in the database"));
      }
    }
    return letters;
  }

  /** The offsets to commit: one past the last record of each partition still in the batch. */
  public Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Entry entry : entries) {
      TopicPartition partition = new TopicPartition(entry.record().topic(), entry.record().partition());
      long next = entry.record().offset() + 1;
      offsets.merge(partition, new OffsetAndMetadata(next), (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    return offsets;
  }

  /** The first offset of each partition, to seek back to if records must be read again. */
  static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      first.put(partition, records.records(partition).get(0).offset());
    }
    return first;
  }
}
