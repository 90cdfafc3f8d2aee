package io.seckill.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Kafka topic names (docs/architecture.md "Kafka"). */
public final class Topics {
  public static final String ORDERS = "seckill.orders";
  public static final String ORDERS_DLQ = "seckill.orders.dlq";
  /** Header on a DLQ record saying why the original could not be processed. */
  public static final String DLQ_REASON_HEADER = "seckill.dlq.reason";

  private Topics() {
  }

  /**
   * Blocking: creates {@code topic} with the broker's default partitions and replication unless it exists. Throws
   * when the broker refuses (no Create right, an invalid name) or does not answer within {@code timeout}.
   */
  public static void createIfMissing(Admin admin, String topic, Duration timeout) throws Exception {
    try {
      admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
          .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }
}
