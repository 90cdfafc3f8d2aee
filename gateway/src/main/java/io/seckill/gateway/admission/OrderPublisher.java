package io.seckill.gateway.admission;

import io.seckill.gateway.GatewayConfig;
import io.seckill.gateway.GatewayMetrics;
import io.seckill.common.kafka.KafkaSettings;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.OrderMessageCodec;
import io.seckill.common.kafka.Topics;
import io.seckill.common.warmup.WarmUpSales;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands admitted orders to Kafka: idempotent producer, acks=all, keyed by order id. The acknowledgement completes
 * the request's promise back on its own context. Every send is bounded by delivery.timeout.ms.
 *
 * <p>Two ways in, because {@code send} may block (metadata, a full buffer) and an event loop must never block:
 * <ul>
 *   <li><b>thread</b> (the default): one dedicated thread whose producer blocks up to max.block.ms.</li>
 *   <li><b>direct</b> ({@code SECKILL_KAFKA_DIRECT_SEND=true}): on the event loop itself, through a producer whose
 *       max.block.ms is 0 ({@link DirectSender}), saving each order the hand-over to another thread; a record it
 *       refuses (before appending: certainly not sent) takes the thread, so the retry cannot duplicate it. Off by
 *       default: the bench did not show it paying on two cores (docs/performance.md).</li>
 * </ul>
 *
 * <p>A failed send is one of two things, and the caller must tell them apart. {@link NotSent}: the record
 * never reached the producer's buffer (the send queue was backed up, or {@code send} refused it before
 * appending — metadata not available in time, producer closed), so it can never be appended: the stock
 * may be released at once. Any other failure is ambiguous: the record was buffered and may have been
 * appended by the broker although its acknowledgement never came back.
 */
public final class OrderPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(OrderPublisher.class);

  private final KafkaProducer<String, byte[]> producer;
  private final DirectSender direct;
  private final ExecutorService sendThread;
  private final String topic;
  private final String warmUpTopic;
  private final KafkaSettings kafka;
  private final GatewayMetrics metrics;
  private final long queueWaitNanos;
  private volatile Admin admin;
  private volatile Thread sender;

  /** The record was certainly never appended to the log (see the class javadoc). */
  public static final class NotSent extends Exception {
    NotSent(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  public OrderPublisher(GatewayConfig config, GatewayMetrics metrics) {
    this.topic = config.kafka().ordersTopic();
    this.warmUpTopic = config.warmUp().topic();
    this.kafka = config.kafka();
    this.metrics = metrics;
    // A record waits in the send queue at most max.block (the time one blocked send can take), so its whole
    // life in the gateway stays within KafkaSettings.orderRecordLifetimeMs, which the reconciler relies on.
    this.queueWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(config.kafkaMaxBlockMs(), 10));
    Map<String, Object> props = kafka.clientProperties(Map.of(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, config.kafkaLingerMs(),
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.kafkaDeliveryTimeoutMs(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, config.kafkaRequestTimeoutMs(),
        ProducerConfig.MAX_BLOCK_MS_CONFIG, config.kafkaMaxBlockMs(),
        ProducerConfig.CLIENT_ID_CONFIG, "seckill-gateway"));
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.direct = config.kafkaDirectSend() ? new DirectSender(props, queueWaitNanos) : null;
    this.sendThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "seckill-kafka-send");
      t.setDaemon(true);
      sender = t;
      return t;
    });
  }

  /** Fetches the topic's metadata once at start so the first order does not wait for it (fail-open: logged). */
  public Future<Void> warmUp(Vertx vertx) {
    return vertx.executeBlocking(() -> producer.partitionsFor(topic), false)
        .compose(blockingHasIt -> directMetadata(vertx, topic))
        .onFailure(e -> LOG.warn("Kafka metadata for {} not available at start: {}", topic, e.toString()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /**
   * Creates the warm-up topic if it is missing and fetches its metadata, so warm-up sends do not wait for either.
   * Fails when Kafka does not answer; the warm-up then goes on without Kafka (its orders get 503).
   */
  public Future<Void> prepareWarmUpTopic(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      Topics.createIfMissing(admin(), warmUpTopic, Duration.ofSeconds(5));
      return producer.partitionsFor(warmUpTopic);
    }, false).compose(blockingHasIt -> directMetadata(vertx, warmUpTopic));
  }

  private Future<Void> directMetadata(Vertx vertx, String name) {
    return direct == null ? Future.succeededFuture() : direct.fetchMetadata(vertx, name);
  }

  /** Completes (on the caller's context) once Kafka acknowledged the record; fails when it did not in time. */
  public Future<Void> publish(OrderMessage message) {
    Context context = Vertx.currentContext();
    Promise<Void> promise = Promise.promise();
    long started = System.nanoTime();
    // An order of a reserved warm-up sale goes to the warm-up topic, whoever placed it: it never reaches a consumer.
    String target = WarmUpSales.isReserved(message.saleId()) ? warmUpTopic : topic;
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(target, message.orderId(), OrderMessageCodec.encode(message));
    if (direct != null && context != null && context.isEventLoopContext()
        && direct.send(record, error -> context.runOnContext(v -> finish(promise, started, error, true)))) {
      return promise.future();
    }
    long sendBy = started + queueWaitNanos;
    try {
      sendThread.execute(() -> {
        if (System.nanoTime() - sendBy > 0) {
          // While the broker is away each send may block for max.block.ms; records that waited in
          // the queue longer than that are refused unsent so every shopper hears back in time.
          onContext(context, () -> finish(promise, started, new NotSent("Kafka send queue backed up",
              new TimeoutException("waited in the send queue longer than max.block.ms")), false));
          return;
        }
        // KafkaProducer completes a record it refused before appending (metadata timeout, closed producer)
        // synchronously, inside send() on this thread; an appended record only ever completes on the
        // producer's I/O thread. So a failure seen here while send() is still running is certain.
        boolean[] inSend = {true};
        try {
          producer.send(record, (metadata, error) -> {
            Throwable outcome = error != null && Thread.currentThread() == sender && inSend[0]
                ? new NotSent("refused before it was buffered", error) : error;
            onContext(context, () -> finish(promise, started, outcome, false));
          });
        } catch (RuntimeException e) {
          onContext(context, () -> finish(promise, started, new NotSent("refused by send()", e), false));
        } finally {
          inSend[0] = false;
        }
      });
    } catch (RejectedExecutionException e) {
      finish(promise, started, new NotSent("send thread stopped", e), false);
    }
    return promise.future();
  }

  private void finish(Promise<Void> promise, long started, Throwable error, boolean directly) {
    metrics.kafkaSent(System.nanoTime() - started, error == null, directly);
    if (error == null) {
      promise.complete();
    } else {
      promise.fail(error);
    }
  }

  private static void onContext(Context context, Runnable action) {
    if (context == null) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Readiness: the broker answers a cluster description in time (cached producer metadata would not prove that). */
  public Future<Void> probe(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      admin().describeCluster(new DescribeClusterOptions().timeoutMs(1500)).nodes().get(2, TimeUnit.SECONDS);
      return null;
    }, false);
  }

  private Admin admin() {
    Admin current = admin;
    if (current == null) {
      synchronized (this) {
        if (admin == null) {
          admin = Admin.create(kafka.clientProperties(Map.of(
              AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1500, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000)));
        }
        current = admin;
      }
    }
    return current;
  }

  /** Blocking: flushes what is in flight (bounded) and closes; call from a worker thread. */
  public void close() {
    sendThread.shutdown();
    try {
      sendThread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (direct != null) {
      direct.close();
    }
    producer.close(Duration.ofSeconds(5));
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
  }
}
