package io.seckill.infra.stack;

import io.seckill.common.config.Env;
import io.seckill.infra.LocalInfra;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code SECKILL_*} environment a test starts the services with, built in one place. Start from
 * the resolved infra ({@link #forInfra}), name this stack's database and topic, then take the view of
 * one service ({@link #gateway()}, {@link #stock()}, {@link #consumer()}) and override what the test
 * is about with {@link #with}. Each step returns a new builder, so one base serves every service.
 *
 * <p>Defaults, and why a test wants them:
 * <ul>
 *   <li>SECKILL_REDIS_URL, SECKILL_KAFKA_BOOTSTRAP: the resolved infra's;
 *   <li>SECKILL_HTTP_PORT, SECKILL_MANAGEMENT_PORT 0: any free port, so services start side by side;
 *   <li>SECKILL_EVENT_LOOPS 2: the machines running the suites have few cores;
 *   <li>SECKILL_WARMUP_REQUESTS 0: many services start per suite and the start-up warm-up would only
 *       slow them (its own tests turn it on);
 *   <li>the secrets of {@link TestSecrets}: JWT secret, admin and cancel tokens, payment secret.
 * </ul>
 * {@link #gateway()} drops SECKILL_ADMIN_TOKEN: as in production, the gateway holds only the cancel token.
 */
public final class ServiceEnv {
  private final Map<String, String> vars;

  private ServiceEnv(Map<String, String> vars) {
    this.vars = vars;
  }

  /** The endpoints of {@code infra} and the defaults above; no database or topic yet. */
  public static ServiceEnv forInfra(LocalInfra infra) {
    return empty()
        .with("SECKILL_REDIS_URL", infra.redisUrl())
        .with("SECKILL_KAFKA_BOOTSTRAP", infra.kafkaBootstrap())
        .with("SECKILL_HTTP_PORT", "0")
        .with("SECKILL_MANAGEMENT_PORT", "0")
        .with("SECKILL_EVENT_LOOPS", "2")
        .with("SECKILL_WARMUP_REQUESTS", "0")
        .with("SECKILL_JWT_SECRET", TestSecrets.JWT_SECRET)
        .with("SECKILL_ADMIN_TOKEN", TestSecrets.ADMIN_TOKEN)
        .with("SECKILL_CANCEL_TOKEN", TestSecrets.CANCEL_TOKEN)
        .with("SECKILL_PAYMENT_SECRET", TestSecrets.PAYMENT_SECRET);
  }

  /** Nothing set: for a stack whose every variable the test names. */
  public static ServiceEnv empty() {
    return new ServiceEnv(new LinkedHashMap<>());
  }

  /** SECKILL_PG_URL. */
  public ServiceEnv database(String pgUrl) {
    return with("SECKILL_PG_URL", pgUrl);
  }

  /** SECKILL_ORDERS_TOPIC, and SECKILL_ORDERS_DLQ_TOPIC next to it ({@code topic}.dlq). */
  public ServiceEnv orders(String topic) {
    return with("SECKILL_ORDERS_TOPIC", topic).with("SECKILL_ORDERS_DLQ_TOPIC", topic + ".dlq");
  }

  /** SECKILL_CONSUMER_GROUP: the consumers' group, whose lag stock-service also reports. */
  public ServiceEnv consumerGroup(String group) {
    return with("SECKILL_CONSUMER_GROUP", group);
  }

  /** Every shopper comes from 127.0.0.1 in a test: the per-IP limit would otherwise be the only thing under test. */
  public ServiceEnv withoutIpRateLimit() {
    return with("SECKILL_RATE_IP_PER_S", "1000000").with("SECKILL_RATE_IP_BURST", "1000000");
  }

  /** The gateway's view: without the operators' admin token. */
  public ServiceEnv gateway() {
    return without("SECKILL_ADMIN_TOKEN");
  }

  /** stock-service's view (everything set so far). */
  public ServiceEnv stock() {
    return copy();
  }

  /** order-consumer's view (everything set so far). */
  public ServiceEnv consumer() {
    return copy();
  }

  public ServiceEnv with(String name, String value) {
    ServiceEnv next = copy();
    next.vars.put(name, value);
    return next;
  }

  /** Every entry of {@code overrides}, replacing what was set. */
  public ServiceEnv with(Map<String, String> overrides) {
    ServiceEnv next = copy();
    next.vars.putAll(overrides);
    return next;
  }

  public ServiceEnv without(String name) {
    ServiceEnv next = copy();
    next.vars.remove(name);
    return next;
  }

  /** The value set for {@code name}, or null. */
  public String get(String name) {
    return vars.get(name);
  }

  public Map<String, String> toMap() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(vars));
  }

  public Env toEnv() {
    return Env.of(toMap());
  }

  private ServiceEnv copy() {
    return new ServiceEnv(new LinkedHashMap<>(vars));
  }

  @Override
  public String toString() {
    return vars.keySet().toString(); // names only: the values include secrets
  }
}
