package io.seckill.stock.reconcile;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import io.seckill.common.kafka.KafkaSettings;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The order consumer group's lag on the orders topic: latest offset minus committed offset, summed
 * over partitions (a partition the group never committed counts from 0). Zero lag means every order
 * the gateways produced before this call is already a row in PostgreSQL.
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
    TopicDescription description = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    long lag = 0;
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      lag += Math.max(0, end.getValue().offset() - (at == null ? 0 : at.offset()));
    }
    return lag;
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
