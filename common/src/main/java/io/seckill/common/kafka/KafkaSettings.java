package io.seckill.common.kafka;

import io.seckill.common.config.Env;

/** Kafka connection: bootstrap servers and the orders topic (overridable so tests can isolate themselves). */
public record KafkaSettings(String bootstrap, String ordersTopic, String dlqTopic) {
  public static KafkaSettings from(Env env) {
    return new KafkaSettings(env.hostPorts("SECKILL_KAFKA_BOOTSTRAP"),
        env.optional("SECKILL_ORDERS_TOPIC", Topics.ORDERS),
        env.optional("SECKILL_ORDERS_DLQ_TOPIC", Topics.ORDERS_DLQ));
  }
}
