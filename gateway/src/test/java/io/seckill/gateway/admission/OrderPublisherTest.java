package io.seckill.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seckill.common.config.Env;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.gateway.GatewayConfig;
import io.seckill.gateway.GatewayMetrics;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.stack.ServiceEnv;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two ways an order record reaches Kafka: directly on the event loop through the never-blocking producer, and
 * through the send thread when that one refuses (or is off). Against the real in-process broker; every record
 * published must be in the topic exactly once, whichever way it went.
 */
class OrderPublisherTest {
  private static final LocalInfra INFRA = LocalInfra.shared();
  private static final AtomicInteger ORDERS = new AtomicInteger();

  private final Vertx vertx = Vertx.vertx();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private OrderPublisher publisher;

  @AfterEach
  void close() throws Exception {
    if (publisher != null) {
      publisher.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRecordTheDirectProducerRefusesForWantOfMetadataGoesThroughTheSendThreadAndLaterOnesGoDirect() throws Exception {
    String topic = INFRA.createTopic(LocalInfra.uniqueName("direct"), 2);
    publisher = publisher(topic, true);
    // No warmUp(): the direct producer has no metadata yet, so it refuses the first record before appending it.
    List<String> published = new ArrayList<>();
    published.add(publishOnEventLoop());
    assertThat(sent("thread", "ok")).isEqualTo(1);
    assertThat(sent("direct", "ok")).isZero();

    // The refusal asked for the metadata: soon records go direct.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      published.add(publishOnEventLoop());
      assertThat(sent("direct", "ok")).isPositive();
    });
    for (int i = 0; i < 20; i++) {
      published.add(publishOnEventLoop());
    }
    assertThat(sent("direct", "failed") + sent("thread", "failed")).isZero();
    assertThat(sent("direct", "ok") + sent("thread", "ok")).isEqualTo(published.size());
    assertThat(readKeys(topic, published.size())).containsExactlyInAnyOrderElementsOf(published);
  }

  @Test
  void afterTheStartUpMetadataFetchEveryRecordPublishedOnAnEventLoopGoesDirect() throws Exception {
    String topic = INFRA.createTopic(LocalInfra.uniqueName("direct"), 2);
    publisher = publisher(topic, true);
    publisher.warmUp(vertx).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      published.add(publishOnEventLoop());
    }
    assertThat(sent("direct", "ok")).isEqualTo(10);
    assertThat(sent("thread", "ok")).isZero();
    assertThat(readKeys(topic, 10)).containsExactlyInAnyOrderElementsOf(published);
  }

  @Test
  void withDirectSendOffOrOffAnEventLoopEveryRecordTakesTheSendThread() throws Exception {
    String topic = INFRA.createTopic(LocalInfra.uniqueName("direct"), 2);
    publisher = publisher(topic, false);
    publisher.warmUp(vertx).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    List<String> published = new ArrayList<>();
    published.add(publishOnEventLoop());
    String offLoop = message();
    publisher.publish(new OrderMessage(offLoop, 1, "shopper", 1, System.currentTimeMillis(), "req"))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    published.add(offLoop);
    assertThat(sent("thread", "ok")).isEqualTo(2);
    assertThat(sent("direct", "ok")).isZero();
    assertThat(readKeys(topic, 2)).containsExactlyInAnyOrderElementsOf(published);
  }

  private OrderPublisher publisher(String topic, boolean direct) {
    // No database behind the URL: the publisher never opens one.
    Env env = ServiceEnv.forInfra(INFRA).database("postgresql://u@127.0.0.1:5432/unused").orders(topic).gateway()
        .with("SECKILL_KAFKA_DIRECT_SEND", Boolean.toString(direct)).toEnv();
    return new OrderPublisher(GatewayConfig.from(env), new GatewayMetrics(registry));
  }

  /** Publishes one order from an event loop, as a purchase does, and waits for its acknowledgement. */
  private String publishOnEventLoop() throws Exception {
    String orderId = message();
    OrderMessage order = new OrderMessage(orderId, 1, "shopper", 1, System.currentTimeMillis(), "req");
    java.util.concurrent.CompletableFuture<Void> acked = new java.util.concurrent.CompletableFuture<>();
    vertx.runOnContext(v -> publisher.publish(order).onComplete(done -> {
      if (done.succeeded()) {
        acked.complete(null);
      } else {
        acked.completeExceptionally(done.cause());
      }
    }));
    acked.get(20, TimeUnit.SECONDS);
    return orderId;
  }

  private static String message() {
    return "1-publisher-test-" + ORDERS.incrementAndGet() + "-" + System.nanoTime();
  }

  private long sent(String path, String result) {
    Timer timer = registry.find("seckill.kafka.send.duration").tags("path", path, "result", result).timer();
    return timer == null ? 0 : timer.count();
  }

  private static List<String> readKeys(String topic, int expected) {
    Properties props = new Properties();
    props.put("bootstrap.servers", INFRA.kafkaBootstrap());
    props.put("group.id", LocalInfra.uniqueName("reader"));
    props.put("auto.offset.reset", "earliest");
    List<String> keys = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          keys.add(record.key());
        }
        return keys.size() >= expected;
      });
      // Anything more (a duplicate) would arrive with the records already read: one more poll to catch it.
      consumer.poll(Duration.ofMillis(500)).forEach(record -> keys.add(record.key()));
    }
    return keys;
  }
}
