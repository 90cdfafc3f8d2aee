package io.seckill.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.db.PgUrls;
import io.seckill.common.db.SchemaMigrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalInfraTest {

  @Test
  void resolvesRedisThatAnswersPing() {
    LocalInfra infra = LocalInfra.shared();
    int port = RedisResolver.portOf(infra.redisUrl());
    assertThat(RedisResolver.ping("127.0.0.1", port)).isTrue();
  }

  @Test
  void createsAnIsolatedDatabaseThatTakesTheSchema() throws Exception {
    LocalInfra infra = LocalInfra.shared();
    String url = infra.createDatabase("infra_test");
    SchemaMigrator.migrate(url);
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(url));
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('sale','orders','payment_event','stock_return')")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(4);
    }
  }

  @Test
  void inProcessKafkaBrokerDeliversWhatWasProduced() throws Exception {
    LocalInfra infra = LocalInfra.shared();
    String topic = infra.createTopic(LocalInfra.uniqueName("infra-test"), 2);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
    }
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, LocalInfra.uniqueName("g"),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      String value = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (value == null && System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          value = records.iterator().next().value();
        }
      }
      assertThat(value).isEqualTo("hello");
    }
  }
}
