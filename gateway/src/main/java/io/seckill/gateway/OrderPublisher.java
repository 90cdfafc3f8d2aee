package io.seckill.gateway;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.OrderMessageCodec;
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
 * Hands admitted orders to Kafka: idempotent producer, acks=all, keyed by order id. {@code send}
 * can block (metadata, full buffer) for up to max.block.ms, so it runs on one dedicated thread,
 * never on an event loop; the acknowledgement completes the request's promise back on its own
 * context. Every send is bounded by delivery.timeout.ms, after which the caller releases the stock.
 */
public final class OrderPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(OrderPublisher.class);

  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sendThread;
  private final String topic;
  private final String bootstrap;
  private final GatewayMetrics metrics;
  private final long queueWaitNanos;
  private volatile Admin admin;

  public OrderPublisher(GatewayConfig config, GatewayMetrics metrics) {
    this.topic = config.kafka().ordersTopic();
    this.bootstrap = config.kafka().bootstrap();
    this.metrics = metrics;
    this.queueWaitNanos = TimeUnit.MILLISECONDS.toNanos(config.kafkaDeliveryTimeoutMs());
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 1,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.kafkaDeliveryTimeoutMs(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, config.kafkaRequestTimeoutMs(),
        ProducerConfig.MAX_BLOCK_MS_CONFIG, config.kafkaMaxBlockMs(),
        ProducerConfig.CLIENT_ID_CONFIG, "seckill-gateway");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.sendThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "seckill-kafka-send");
      t.setDaemon(true);
      return t;
    });
  }

  /** Fetches the topic's metadata once at start so the first order does not wait for it (fail-open: logged). */
  public Future<Void> warmUp(Vertx vertx) {
    return vertx.executeBlocking(() -> producer.partitionsFor(topic), false)
        .onFailure(e -> LOG.warn("Kafka metadata for {} not available at start: {}", topic, e.toString()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Completes (on the caller's context) once Kafka acknowledged the record; fails when it did not in time. */
  public Future<Void> publish(OrderMessage message) {
    Context context = Vertx.currentContext();
    Promise<Void> promise = Promise.promise();
    long started = System.nanoTime();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, message.orderId(), OrderMessageCodec.encode(message));
    long sendBy = started + queueWaitNanos;
    try {
      sendThread.execute(() -> {
        if (System.nanoTime() - sendBy > 0) {
          // While the broker is away each send may block for max.block.ms; records that waited in
          // the queue past the delivery timeout are refused unsent so every shopper hears back in time.
          onContext(context, () -> finish(promise, started, new TimeoutException("not sent: Kafka send queue backed up")));
          return;
        }
        try {
          producer.send(record, (metadata, error) -> onContext(context, () -> finish(promise, started, error)));
        } catch (RuntimeException e) {
          onContext(context, () -> finish(promise, started, e));
        }
      });
    } catch (RejectedExecutionException e) {
      finish(promise, started, e);
    }
    return promise.future();
  }

  private void finish(Promise<Void> promise, long started, Throwable error) {
    metrics.kafkaSent(System.nanoTime() - started, error == null);
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
          admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
              AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1500, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000));
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
    producer.close(Duration.ofSeconds(5));
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
  }
}
