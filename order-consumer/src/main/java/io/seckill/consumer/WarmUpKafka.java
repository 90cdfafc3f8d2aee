package io.seckill.consumer;

import io.seckill.common.kafka.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka leg of the consumer's start-up warm-up: each rehearsed batch is produced to the warm-up topic
 * (SECKILL_WARMUP_TOPIC) and read back by a consumer configured as the poll loops' are, but in no group — its
 * partitions are {@code assign}ed, it starts at their end and never commits — so the fetch path (fetch requests
 * and sessions, record-batch decoding, the deserializers, the fetch metrics) runs before the loops start, as it
 * runs in a sale. Measured (docs/performance.md): without it a fresh consumer compiled that path in a sale's
 * first seconds.
 *
 * <p>Other records on the topic (the gateways' warm-ups write there too) are fetched and decoded as well, and
 * left out of the batch handed back. One thread only, as a KafkaConsumer is.
 */
final class WarmUpKafka implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Duration timeout;

  private WarmUpKafka(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> consumer, String topic,
                      Duration timeout) {
    this.producer = producer;
    this.consumer = consumer;
    this.topic = topic;
    this.timeout = timeout;
  }

  /**
   * Opens both clients on {@code topic}, creating it when missing (as the gateway does; in Kubernetes it is declared
   * and only read and written here). Throws when the topic cannot be described, created or read; nothing is left open.
   */
  static WarmUpKafka open(OrderConsumerConfig config, Admin admin, String clientId, Duration timeout) throws Exception {
    String topic = config.warmUp().topic();
    Map<String, Object> consumerProps = config.kafkaConsumerProperties(clientId);
    consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerProps.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    consumerProps.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // Each batch is read back as soon as it is on the broker: waiting for fetch.min.bytes would only stall the warm-up
    // (its batches of 1 and 10 orders would each wait out fetch.max.wait.ms); the fetch code that runs is the same.
    consumerProps.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        Topics.createIfMissing(admin, topic, timeout);
        partitions = consumer.partitionsFor(topic, timeout);
      }
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " has no partitions");
      }
      List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      for (TopicPartition partition : assigned) {
        consumer.position(partition, timeout); // resolve the end now: records produced from here on are read back
      }
      producer = new KafkaProducer<>(config.kafka().clientProperties(Map.of(
          ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer",
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.LINGER_MS_CONFIG, 0,
          ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis())),
          new ByteArraySerializer(), new ByteArraySerializer());
      return new WarmUpKafka(producer, consumer, topic, timeout);
    } catch (Exception | Error e) {
      if (producer != null) {
        producer.close(Duration.ZERO);
      }
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  String topic() {
    return topic;
  }

  /**
   * Produces {@code values} (key → value, in order) to the warm-up topic, waits for every acknowledgement, then polls
   * until each has been read back; returns them as fetched, in a batch of their own. Throws when any is not
   * acknowledged or not read back within the timeout.
   */
  ConsumerRecords<byte[], byte[]> roundTrip(List<Map.Entry<byte[], byte[]>> values) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Future<RecordMetadata>> acks = new ArrayList<>(values.size());
    Set<ByteBuffer> awaited = new HashSet<>(values.size() * 2);
    for (Map.Entry<byte[], byte[]> value : values) {
      acks.add(producer.send(new ProducerRecord<>(topic, value.getKey(), value.getValue())));
      awaited.add(ByteBuffer.wrap(value.getKey()));
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> ours = new HashMap<>();
    while (!awaited.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(awaited.size() + " of " + values.size() + " warm-up records not read back from "
            + topic + " in " + timeout.toMillis() + " ms");
      }
      ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofNanos(left));
      for (ConsumerRecord<byte[], byte[]> record : polled) {
        if (record.key() != null && awaited.remove(ByteBuffer.wrap(record.key()))) {
          ours.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), p -> new ArrayList<>())
              .add(record);
        }
      }
    }
    return new ConsumerRecords<>(ours, Map.of());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(2));
    consumer.close(Duration.ofSeconds(2));
  }
}
