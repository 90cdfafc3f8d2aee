package io.seckill.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderConsumerConfigTest {
  private static final Map<String, String> REQUIRED = Map.of(
      "SECKILL_REDIS_URL", "redis://127.0.0.1:6379",
      "SECKILL_PG_URL", "postgresql://seckill@127.0.0.1:5432/seckill",
      "SECKILL_KAFKA_BOOTSTRAP", "127.0.0.1:9092");

  @Test
  void defaultsMatchTheDocumentedTuning() {
    OrderConsumerConfig config = OrderConsumerConfig.from(Env.of(REQUIRED));
    assertThat(config.management()).isEqualTo(new io.seckill.common.config.ManagementSettings(9082, 1000));
    assertThat(config.groupId()).isEqualTo("seckill-order-consumer");
    assertThat(config.threads()).isEqualTo(2);
    assertThat(config.maxBatch()).isEqualTo(500);
    assertThat(config.fetchMinBytes()).isEqualTo(32_768);
    assertThat(config.fetchWaitMs()).isEqualTo(100);
    assertThat(config.warmUpSkipBacklog()).isEqualTo(1_000);
    assertThat(config.kafkaConsumerProperties("loop-0"))
        .containsEntry(org.apache.kafka.clients.consumer.ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 32_768)
        .containsEntry(org.apache.kafka.clients.consumer.ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    assertThat(config.orderStatusTtlSeconds()).isEqualTo(604_800);
    assertThat(config.kafka().ordersTopic()).isEqualTo("seckill.orders");
    assertThat(config.kafka().dlqTopic()).isEqualTo("seckill.orders.dlq");
    assertThat(config.backoffMin()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.http().requestTimeoutMs()).isEqualTo(2000);
  }

  @Test
  void theQueryBoundFollowsTheBatchBoundNotTheRequestDeadline() {
    assertThat(OrderConsumerConfig.from(Env.of(REQUIRED)).pg().queryTimeoutMs()).isEqualTo(10_000);
    Map<String, String> env = new HashMap<>(REQUIRED);
    env.put("SECKILL_CONSUMER_DB_TIMEOUT_MS", "30000");
    env.put("SECKILL_REQUEST_TIMEOUT_MS", "500");
    assertThat(OrderConsumerConfig.from(Env.of(env)).pg().queryTimeoutMs()).isEqualTo(30_000);
  }

  @Test
  void aMissingDatabaseUrlStopsTheStartNamingTheVariable() {
    Map<String, String> env = new HashMap<>(REQUIRED);
    env.remove("SECKILL_PG_URL");
    assertThatThrownBy(() -> Main.start(Env.of(env))).isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_PG_URL");
  }

  @Test
  void aMalformedBatchSizeOrInvertedBackoffBoundsAreRejectedByName() {
    Map<String, String> env = new HashMap<>(REQUIRED);
    env.put("SECKILL_CONSUMER_MAX_BATCH", "lots");
    assertThatThrownBy(() -> OrderConsumerConfig.from(Env.of(env))).hasMessageContaining("SECKILL_CONSUMER_MAX_BATCH");
    env.remove("SECKILL_CONSUMER_MAX_BATCH");
    env.put("SECKILL_CONSUMER_BACKOFF_MIN_MS", "1000");
    env.put("SECKILL_CONSUMER_BACKOFF_MAX_MS", "10");
    assertThatThrownBy(() -> OrderConsumerConfig.from(Env.of(env))).hasMessageContaining("SECKILL_CONSUMER_BACKOFF_MAX_MS");
  }
}
