package io.seckill.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many bytes an order costs on the broker: prints, as facts for bench.sh, the bytes the topic's
 * partitions hold in the brokers' log dirs ({@code describeLogDirs}, every replica), the records in
 * it (end minus start offsets, {@code listOffsets}), and the average serialized key and value size
 * of the first records of each partition (a consumer that never joins a group or commits).
 *
 * <p>Usage: {@code KafkaTopicSize <bootstrap> <topic> [<records to sample>]}
 */
public final class KafkaTopicSize {
  private static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(15);

  private KafkaTopicSize() {
  }

  public static void main(String[] args) throws ExecutionException, InterruptedException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: KafkaTopicSize <bootstrap> <topic> [<records to sample>]");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    int sample = args.length == 3 ? Integer.parseInt(args[2]) : 20_000;
    StringBuilder out = new StringBuilder();
    List<TopicPartition> partitions;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000))) {
      partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
      long bytes = 0;
      int replicas = 0;
      for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
        for (LogDirDescription dir : dirs.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
            if (replica.getKey().topic().equals(topic)) {
              bytes += replica.getValue().size();
              replicas++;
            }
          }
        }
      }
      long records = 0;
      var earliest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())))
          .all().get();
      var latest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
          .all().get();
      for (TopicPartition p : partitions) {
        records += latest.get(p).offset() - earliest.get(p).offset();
      }
      out.append("kafka.topic=").append(topic).append('\n')
          .append("kafka.partitions=").append(partitions.size()).append('\n')
          .append("kafka.replicas=").append(replicas).append('\n')
          .append("kafka.bytes_on_disk=").append(bytes).append('\n')
          .append("kafka.records=").append(records).append('\n');
    }
    long[] sampled = sample(bootstrap, partitions, sample);
    out.append("kafka.sampled_records=").append(sampled[0]).append('\n')
        .append("kafka.sampled_key_bytes=").append(sampled[1]).append('\n')
        .append("kafka.sampled_value_bytes=").append(sampled[2]).append('\n');
    System.out.print(out);
  }

  /** {records, key bytes, value bytes} of up to {@code limit} records read from the start of every partition. */
  private static long[] sample(String bootstrap, List<TopicPartition> partitions, int limit) {
    long[] totals = new long[3];
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + SAMPLE_TIMEOUT.toNanos();
      while (totals[0] < limit && System.nanoTime() < deadline
          && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (totals[0] >= limit) {
            break;
          }
          totals[0]++;
          totals[1] += Math.max(0, record.serializedKeySize());
          totals[2] += Math.max(0, record.serializedValueSize());
        }
      }
    }
    return totals;
  }
}
