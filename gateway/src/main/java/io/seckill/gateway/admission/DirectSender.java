package io.seckill.gateway.admission;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer {@link OrderPublisher} uses on the event loop: max.block.ms 0, so {@code send} never waits — with the
 * topic's metadata cached and room in the buffer it appends and returns, otherwise it refuses at once, before
 * appending. It takes a record only while fewer than {@link #MAX_IN_FLIGHT} of its records await their
 * acknowledgement, so a slow or absent broker cannot fill its buffer (each batch may hold 16 KiB of its 32 MiB).
 */
final class DirectSender {
  private static final Logger LOG = LoggerFactory.getLogger(DirectSender.class);
  /** Records appended and not yet acknowledged above which {@link #send} declines. */
  static final int MAX_IN_FLIGHT = 1000;
  private static final long METADATA_RETRY_MS = 20;

  private final KafkaProducer<String, byte[]> producer;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final long metadataWaitNanos;

  /** @param props the blocking producer's properties; this one differs in max.block.ms and client id only */
  DirectSender(Map<String, Object> props, long metadataWaitNanos) {
    Map<String, Object> direct = new HashMap<>(props);
    direct.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    direct.put(ProducerConfig.CLIENT_ID_CONFIG, props.get(ProducerConfig.CLIENT_ID_CONFIG) + "-direct");
    this.producer = new KafkaProducer<>(direct, new StringSerializer(), new ByteArraySerializer());
    this.metadataWaitNanos = metadataWaitNanos;
  }

  /**
   * Appends {@code record}; {@code acknowledged} then runs on the producer's I/O thread with null or the failure.
   * False when it declined or refused the record before appending it — the producer completes such a record
   * synchronously, inside send(), on this thread; an appended one only ever completes on its I/O thread — and then
   * {@code acknowledged} never runs: the caller sends the record another way.
   */
  boolean send(ProducerRecord<String, byte[]> record, Consumer<Exception> acknowledged) {
    if (inFlight.get() >= MAX_IN_FLIGHT) {
      return false;
    }
    Thread caller = Thread.currentThread();
    boolean[] inSend = {true};
    boolean[] refused = {false};
    inFlight.incrementAndGet();
    try {
      producer.send(record, (metadata, error) -> {
        inFlight.decrementAndGet();
        if (error != null && inSend[0] && Thread.currentThread() == caller) {
          refused[0] = true;
        } else {
          acknowledged.accept(error);
        }
      });
    } catch (RuntimeException e) {
      // Thrown (not completed) only before appending: a closed producer, one in a fatal state, serialization.
      inFlight.decrementAndGet();
      refused[0] = true;
    } finally {
      inSend[0] = false;
    }
    return !refused[0];
  }

  /**
   * This producer cannot wait for metadata, so it is fetched before the first order: {@code partitionsFor} here
   * never blocks (max.block.ms 0) but asks for the metadata when it has none, and is asked again every
   * {@link #METADATA_RETRY_MS} until it has it. Fail-open: past the wait it is left to the first sends, which are
   * refused (and take the send thread) until the fetch their refusal asked for has landed. Never fails.
   */
  Future<Void> fetchMetadata(Vertx vertx, String topic) {
    Promise<Void> fetched = Promise.promise();
    fetchMetadata(vertx, topic, System.nanoTime() + metadataWaitNanos, fetched);
    return fetched.future();
  }

  private void fetchMetadata(Vertx vertx, String topic, long until, Promise<Void> fetched) {
    try {
      producer.partitionsFor(topic);
      fetched.complete();
    } catch (TimeoutException e) {
      if (System.nanoTime() - until > 0) {
        LOG.warn("Kafka metadata for {} not fetched by the direct producer at start: {}", topic, e.toString());
        fetched.complete();
      } else {
        vertx.setTimer(METADATA_RETRY_MS, t -> fetchMetadata(vertx, topic, until, fetched));
      }
    }
  }

  /** Blocking, bounded: flushes what is in flight and closes. */
  void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
