package io.seckill.common.kafka;

import io.seckill.common.config.Env;
import java.util.HashMap;
import java.util.Map;

/**
 * Kafka connection: bootstrap servers, the orders topic (overridable so tests can isolate themselves) and how to
 * authenticate ({@link KafkaSecurity}: SECKILL_KAFKA_SECURITY_PROTOCOL, SECKILL_KAFKA_SASL_*). Every client a service
 * creates takes its properties from {@link #clientProperties(Map)}, so none connects without the credentials.
 */
public record KafkaSettings(String bootstrap, String ordersTopic, String dlqTopic, KafkaSecurity security) {
  public static final int DEFAULT_DELIVERY_TIMEOUT_MS = 5000;
  public static final int DEFAULT_MAX_BLOCK_MS = 1000;

  /** SECKILL_KAFKA_DELIVERY_TIMEOUT_MS: the gateway producer's bound on one order record's send. */
  public static int deliveryTimeoutMs(Env env) {
    return env.integer("SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", DEFAULT_DELIVERY_TIMEOUT_MS, 100, 120_000);
  }

  /** SECKILL_KAFKA_MAX_BLOCK_MS: how long producer.send may block (on the gateway's send thread). */
  public static int maxBlockMs(Env env) {
    return env.integer("SECKILL_KAFKA_MAX_BLOCK_MS", DEFAULT_MAX_BLOCK_MS, 0, 60_000);
  }

  /**
   * The longest an order record stays in a gateway's hands after its reservation: at most max.block in the
   * send queue (older records are refused unsent), max.block inside send(), then delivery.timeout. After it
   * the record is in the log or never will be, and the shopper has had the gateway's answer. A reservation
   * may only be treated as orphaned past this (stock-service checks SECKILL_ORPHAN_AFTER_MS against it).
   */
  public static int orderRecordLifetimeMs(Env env) {
    return 2 * maxBlockMs(env) + deliveryTimeoutMs(env);
  }

  /** Without authentication (PLAINTEXT). */
  public KafkaSettings(String bootstrap, String ordersTopic, String dlqTopic) {
    this(bootstrap, ordersTopic, dlqTopic, KafkaSecurity.PLAINTEXT);
  }

  public static KafkaSettings from(Env env) {
    return new KafkaSettings(env.hostPorts("SECKILL_KAFKA_BOOTSTRAP"),
        env.optional("SECKILL_ORDERS_TOPIC", Topics.ORDERS),
        env.optional("SECKILL_ORDERS_DLQ_TOPIC", Topics.ORDERS_DLQ),
        KafkaSecurity.from(env));
  }

  /**
   * A client's own properties plus bootstrap.servers and the security settings, for a producer, a consumer or an
   * admin client alike (the keys are the same in all three). The security settings win over the client's own.
   */
  public Map<String, Object> clientProperties(Map<String, Object> own) {
    Map<String, Object> props = new HashMap<>(own);
    props.put("bootstrap.servers", bootstrap);
    props.putAll(security.properties());
    return props;
  }
}
