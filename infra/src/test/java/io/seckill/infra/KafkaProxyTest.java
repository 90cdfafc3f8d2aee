package io.seckill.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A producer that reaches the in-process broker only through a {@link FaultProxy} in front of the
 * broker's {@code PROXIED} listener, while consumers read the log on the direct listener.
 */
class KafkaProxyTest {
  private static final int REQUEST_TIMEOUT_MS = 1_000;
  private static final int DELIVERY_TIMEOUT_MS = 3_000;

  private static KafkaBroker broker;
  private static FaultProxy proxy;

  @BeforeAll
  static void startBrokerBehindProxy() {
    int proxyPort = Ports.freePort();
    broker = KafkaBroker.startWithProxiedListener(proxyPort);
    proxy = FaultProxy.start("kafka", proxyPort, "127.0.0.1", broker.proxiedListenerPort());
  }

  @AfterAll
  static void stopBrokerAndProxy() {
    if (proxy != null) {
      proxy.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void passAgain() {
    proxy.pass();
  }

  @Test
  void producerBootstrappedOnTheProxyGetsItsAcknowledgementThroughTheProxiedListener() throws Exception {
    String topic = topic("acked");
    long before = proxy.connectionsAccepted();
    try (KafkaProducer<String, String> producer = proxiedProducer()) {
      RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, "k", "through the proxy")).get(30, TimeUnit.SECONDS);
      assertThat(metadata.offset()).isZero();
    }
    assertThat(broker.proxiedBootstrap()).isEqualTo(proxy.hostAndPort());
    // bootstrap, then the advertised address: both must have been the proxy
    assertThat(proxy.connectionsAccepted() - before).isGreaterThanOrEqualTo(2);
    assertThat(readAll(topic)).containsExactly("through the proxy");
  }

  @Test
  void sendWhoseAnswerIsHeldPastTheDeliveryTimeoutFailsOnTheClientAfterTheBrokerAppendedTheRecord() throws Exception {
    String topic = topic("held");
    KafkaProducer<String, String> producer = proxiedProducer();
    try {
      producer.send(new ProducerRecord<>(topic, "k", "acknowledged")).get(30, TimeUnit.SECONDS);
      proxy.holdResponses(Duration.ofMillis(DELIVERY_TIMEOUT_MS * 10L));

      Future<RecordMetadata> held = producer.send(new ProducerRecord<>(topic, "k", "appended, never acknowledged"));
      assertThatThrownBy(() -> held.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(TimeoutException.class);
      // Still holding: the client gave up on its own timeout, not on an answer the proxy let through.
      assertThat(proxy.mode()).isEqualTo("holdResponses 30000ms");
      // Once, not twice: the retry never got past the held ApiVersions answer of its new connection.
      assertThat(readAll(topic)).containsExactly("acknowledged", "appended, never acknowledged");
    } finally {
      producer.close(Duration.ofSeconds(2));
    }
  }

  @Test
  void proxiedListenerComesBackOnTheSamePortsAfterTheBrokerRestarts() throws Exception {
    String topic = topic("restart");
    broker.stop();
    assertThat(broker.running()).isFalse();
    broker.restart();
    try (KafkaProducer<String, String> producer = proxiedProducer()) {
      producer.send(new ProducerRecord<>(topic, "k", "after restart")).get(30, TimeUnit.SECONDS);
    }
    assertThat(readAll(topic)).containsExactly("after restart");
  }

  private static String topic(String purpose) {
    String name = LocalInfra.uniqueName("kafka-proxy-" + purpose);
    broker.createTopic(name, 1);
    return name;
  }

  private static KafkaProducer<String, String> proxiedProducer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.proxiedBootstrap(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000),
        new StringSerializer(), new StringSerializer());
  }

  /** Every value in the topic's one partition, read on the direct listener up to its end offset. */
  private static List<String> readAll(String topic) {
    TopicPartition partition = new TopicPartition(topic, 0);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
        return consumer.position(partition) >= end;
      });
    }
    return values;
  }
}
