package io.seckill.consumer;

import static io.seckill.consumer.ConsumerFixture.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.Topics;
import io.seckill.common.metrics.SeckillMeter;
import io.seckill.common.order.OrderIds;
import io.seckill.consumer.batch.BatchFaults;
import io.seckill.consumer.poll.DeadLetterPublisher;
import io.seckill.infra.LocalInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Poison records, a database outage and a crash between the database commit and the offset commit. */
class OrderConsumerFaultTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Each test's own world, closed after it (JUnit skips it when the test made none). */
  @AutoClose
  private ConsumerFixture fx;

  @Test
  void poisonRecordsAndOrdersOfUnknownSalesGoToTheDlqWithTheirReasonAndTheFollowingOrdersStillPersist() throws Exception {
    fx = new ConsumerFixture(1);
    fx.createSale(10, 10);
    OrderMessage before = fx.reserve("dave", 1);
    fx.produce(List.of(before));
    fx.produceRaw("garbage", "not json at all".getBytes(StandardCharsets.UTF_8));
    fx.produceRaw("extra-field", "{\"orderId\":\"1-x\",\"evil\":true}".getBytes(StandardCharsets.UTF_8));
    long unknownSale = fx.saleId + 500;
    OrderMessage orphan = new OrderMessage(OrderIds.next(unknownSale), unknownSale, "erin", 1, 0L, "req-orphan");
    fx.produce(List.of(orphan));
    List<OrderMessage> after = List.of(fx.reserve("frank", 1), fx.reserve("grace", 2));
    fx.produce(after);
    OrderConsumerService consumer = fx.start();

    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 6 && fx.redisPending() == 0);
    assertThat(fx.row(before.orderId())).containsExactly("PENDING_PAYMENT", null);
    for (OrderMessage order : after) {
      assertThat(fx.row(order.orderId())).containsExactly("PENDING_PAYMENT", null);
    }
    assertThat(fx.row(orphan.orderId())).isNull();
    List<ConsumerRecord<byte[], byte[]>> letters = readDlq(3);
    assertThat(letters).extracting(r -> header(r, Topics.DLQ_REASON_HEADER))
        .satisfiesExactly(
            reason -> assertThat(reason).startsWith("not JSON"),
            reason -> assertThat(reason).isNotBlank(),
            reason -> assertThat(reason).isEqualTo("sale " + unknownSale + " does not exist in the database"));
    assertThat(letters).extracting(r -> header(r, DeadLetterPublisher.ORIGINAL_OFFSET_HEADER)).containsExactly("1", "2", "3");
    assertThat(letters).allSatisfy(r -> {
      assertThat(header(r, DeadLetterPublisher.ORIGINAL_TOPIC_HEADER)).isEqualTo(fx.topic);
      assertThat(header(r, DeadLetterPublisher.ORIGINAL_PARTITION_HEADER)).isEqualTo("0");
    });
    assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json at all");
    assertThat(count(consumer, SeckillMeter.DLQ_RECORDS)).isEqualTo(3);
    assertThat(count(consumer, SeckillMeter.ORDERS_PERSISTED, "dlq")).isEqualTo(3);
    assertThat(fx.remaining()).isEqualTo(10 - 4);
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  @Test
  void aDatabaseOutagePausesConsumptionWithoutMovingOffsetsAndEverythingPersistsWhenItIsBack() throws Exception {
    fx = new ConsumerFixture(4);
    fx.createSale(100, 100);
    OrderConsumerService consumer = fx.start();
    fx.produce(fx.reserveMany("early-", 5));
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 5 && fx.redisPending() == 0);

    String db = fx.databaseName();
    fx.adminSql("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS false");
    fx.adminSql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
    try {
      fx.produce(fx.reserveMany("during-", 10));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> fx.committed(fx.group) == 5);
      assertThat(fx.redisPending()).isEqualTo(10);
    } finally {
      fx.adminSql("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS true");
    }

    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 15 && fx.redisPending() == 0);
    assertThat(fx.rows()).isEqualTo(15);
    assertThat(fx.scalar("SELECT count(*) FROM orders WHERE status = 'PENDING_PAYMENT'")).isEqualTo(15);
    assertThat(count(consumer, SeckillMeter.ORDERS_PERSISTED, "inserted")).isEqualTo(15);
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  @Test
  void aConsumerKilledBetweenTheDatabaseCommitAndTheOffsetCommitLosesNothingAndDecrementsOnce() throws Exception {
    fx = new ConsumerFixture(1);
    fx.createSale(100, 100);
    List<OrderMessage> orders = fx.reserveMany("crash-", 12);
    fx.produce(orders);
    AtomicBoolean armed = new AtomicBoolean(true);
    BatchFaults crashOnce = () -> {
      if (armed.compareAndSet(true, false)) {
        throw new BatchFaults.SimulatedCrash("after the database commit");
      }
    };
    OrderConsumerService crashing = fx.start(Map.of("SECKILL_CONSUMER_THREADS", "1"), crashOnce);
    await().atMost(WAIT).until(() -> !crashing.loopsHealthy());

    long persistedBeforeCrash = fx.rows();
    assertThat(persistedBeforeCrash).isPositive();
    assertThat(fx.committed(fx.group)).isZero();
    assertThat(fx.redisOrder(orders.get(0).orderId())).containsEntry("status", "QUEUED");
    fx.stop(crashing);

    OrderConsumerService fresh = fx.start(Map.of("SECKILL_CONSUMER_THREADS", "1"), BatchFaults.NONE);
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 12 && fx.redisPending() == 0);

    int units = orders.stream().mapToInt(OrderMessage::quantity).sum();
    assertThat(fx.rows()).isEqualTo(12);
    assertThat(fx.remaining()).isEqualTo(100 - units);
    assertThat(count(fresh, SeckillMeter.ORDERS_PERSISTED, "redelivered")).isEqualTo(persistedBeforeCrash);
    assertThat(count(fresh, SeckillMeter.ORDERS_PERSISTED, "inserted")).isEqualTo(12 - persistedBeforeCrash);
    for (OrderMessage order : orders) {
      assertThat(fx.redisOrder(order.orderId())).containsEntry("status", "PENDING_PAYMENT");
    }
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  private List<ConsumerRecord<byte[], byte[]>> readDlq(int expected) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fx.infra.kafkaBootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, LocalInfra.uniqueName("dlq-reader"),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      dlq.subscribe(List.of(fx.dlqTopic));
      await().atMost(WAIT).until(() -> {
        dlq.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.size() >= expected;
      });
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

}
