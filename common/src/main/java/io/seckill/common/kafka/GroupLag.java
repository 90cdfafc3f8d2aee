package io.seckill.common.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's lag on one topic: latest offset minus committed offset, summed over partitions (a partition
 * the group never committed counts from 0, as a group that starts at the earliest offset reads it). Blocking: each
 * of its three admin calls is bounded by {@code timeoutMs}.
 */
public final class GroupLag {
  private GroupLag() {
  }

  /** Total lag in records; throws when Kafka cannot tell in time. */
  public static long of(Admin admin, String topic, String group, long timeoutMs) throws Exception {
    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
        .get(timeoutMs, TimeUnit.MILLISECONDS).get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
        .get(timeoutMs, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
        .get(timeoutMs, TimeUnit.MILLISECONDS);
    long lag = 0;
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      lag += Math.max(0, end.getValue().offset() - (at == null ? 0 : at.offset()));
    }
    return lag;
  }
}
