package io.seckill.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/** Who in a consumer group holds how many partitions, as the group coordinator reports it. */
final class GroupAssignment {
  private GroupAssignment() {
  }

  /** Partitions held by each member, or an empty list while the group is not Stable. */
  static List<Integer> partitionsPerMember(String bootstrap, String group) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
          .get(10, TimeUnit.SECONDS).get(group);
      if (description.groupState() != GroupState.STABLE) {
        return List.of();
      }
      return description.members().stream().map(m -> m.assignment().topicPartitions().size()).toList();
    } catch (Exception e) {
      throw new IllegalStateException("could not describe consumer group " + group, e);
    }
  }
}
