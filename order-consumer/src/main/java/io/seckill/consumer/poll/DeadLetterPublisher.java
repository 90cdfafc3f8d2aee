package io.seckill.consumer.poll;

import io.seckill.common.kafka.KafkaSettings;
import io.seckill.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Forwards records that can never become orders to the dead-letter topic, bytes and headers
 * untouched, plus the reason and where the original sat. Thread-safe (one producer for all loops).
 */
public final class DeadLetterPublisher implements AutoCloseable {
  /** Headers added next to {@link Topics#DLQ_REASON_HEADER}; candidates for common's Topics. */
  public static final String ORIGINAL_TOPIC_HEADER = "seckill.dlq.original.topic";
  public static final String ORIGINAL_PARTITION_HEADER = "seckill.dlq.original.partition";
  public static final String ORIGINAL_OFFSET_HEADER = "seckill.dlq.original.offset";

  /** One record for the DLQ and why. */
  public record DeadLetter(ConsumerRecord<byte[], byte[]> original, String reason) {
  }

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final Duration timeout;

  public DeadLetterPublisher(KafkaSettings kafka, String topic, String clientId, Duration timeout) {
    this.topic = topic;
    this.timeout = timeout;
    this.producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
        ProducerConfig.CLIENT_ID_CONFIG, clientId,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000),
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 30_000) + 1_000)),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends and waits for every acknowledgement; throws if any is missing, so the offsets stay put. */
  void publish(List<DeadLetter> letters) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
    for (DeadLetter letter : letters) {
      ConsumerRecord<byte[], byte[]> original = letter.original();
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, original.key(), original.value());
      for (Header header : original.headers()) {
        record.headers().add(header);
      }
      record.headers()
          .add(Topics.DLQ_REASON_HEADER, utf8(letter.reason()))
          .add(ORIGINAL_TOPIC_HEADER, utf8(original.topic()))
          .add(ORIGINAL_PARTITION_HEADER, utf8(Integer.toString(original.partition())))
          .add(ORIGINAL_OFFSET_HEADER, utf8(Long.toString(original.offset())));
      acks.add(producer.send(record));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Future<RecordMetadata> ack : acks) {
      ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
