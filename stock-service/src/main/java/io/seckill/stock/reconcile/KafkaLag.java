package io.seckill.stock.reconcile;

import io.seckill.common.kafka.GroupLag;
import io.seckill.common.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The order consumer group's lag on the orders topic ({@link GroupLag}). Zero lag means every order the gateways
 * produced before this call is already a row in PostgreSQL.
 */
public final class KafkaLag implements AutoCloseable {
  private static final long TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Admin admin;
  private final String topic;
  private final String group;

  public KafkaLag(Vertx vertx, KafkaSettings kafka, String topic, String group) {
    this.vertx = vertx;
    this.topic = topic;
    this.group = group;
    this.admin = Admin.create(kafka.clientProperties(Map.of(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS)));
  }

  /** Total lag in records; fails when Kafka cannot tell (callers treat that as "not caught up"). */
  Future<Long> lag() {
    // The admin client blocks: keep it off the event loop.
    return vertx.executeBlocking(this::lagBlocking, false);
  }

  private long lagBlocking() throws Exception {
    return GroupLag.of(admin, topic, group, TIMEOUT_MS);
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
