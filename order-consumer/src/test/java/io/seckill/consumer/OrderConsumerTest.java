package io.seckill.consumer;

import io.seckill.common.redis.Bucket;

import static io.seckill.consumer.ConsumerFixture.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.metrics.SeckillMeter;
import io.seckill.consumer.batch.BatchFaults;
import io.seckill.infra.Invariants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Persistence, redelivery and refusal behaviour of the consumer against real Kafka, PostgreSQL and Redis. */
class OrderConsumerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Each test's own world, closed after it (JUnit skips it when the test made none). */
  @AutoClose
  private ConsumerFixture fx;

  @Test
  void persistsEveryAdmittedOrderOnceAndMovesItsRedisStatusToPendingPayment() throws Exception {
    fx = new ConsumerFixture(4);
    fx.createSale(100, 100);
    List<OrderMessage> orders = fx.reserveMany("shopper-", 30);
    OrderConsumerService consumer = fx.start();
    fx.produce(orders);

    await().atMost(WAIT).until(() -> fx.committed(fx.group) == fx.produced() && fx.redisPending() == 0);
    int units = orders.stream().mapToInt(OrderMessage::quantity).sum();
    assertThat(fx.rows()).isEqualTo(30);
    assertThat(fx.remaining()).isEqualTo(100 - units);
    for (OrderMessage order : orders) {
      assertThat(fx.row(order.orderId())).containsExactly("PENDING_PAYMENT", null);
      assertThat(fx.redisOrder(order.orderId())).containsEntry("status", "PENDING_PAYMENT");
    }
    assertThat(count(consumer, SeckillMeter.ORDERS_PERSISTED, "inserted")).isEqualTo(30);
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + consumer.managementPort();
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("seckill_orders_persisted_total", "seckill_consumer_batch_size", "kafka_consumer");
  }

  @Test
  void theSameOrderDeliveredThreeTimesInOneBatchAndAcrossBatchesIsPersistedOnce() throws Exception {
    fx = new ConsumerFixture(1);
    fx.createSale(10, 10);
    OrderMessage order = fx.reserve("alice", 2);
    OrderMessage other = fx.reserve("bob", 1);
    fx.produce(List.of(order, order, other)); // two copies in the first batch
    OrderConsumerService consumer = fx.start();
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 3);
    List<String> afterFirst = fx.dump();

    fx.produce(List.of(order)); // the third delivery, in a later batch
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 4);

    assertThat(fx.dump()).isEqualTo(afterFirst);
    assertThat(fx.rows()).isEqualTo(2);
    assertThat(fx.remaining()).isEqualTo(10 - 3);
    assertThat(count(consumer, SeckillMeter.ORDERS_PERSISTED, "inserted")).isEqualTo(2);
    assertThat(count(consumer, SeckillMeter.ORDERS_PERSISTED, "redelivered")).isEqualTo(2);
    assertThat(fx.redisOrder(order.orderId())).containsEntry("status", "PENDING_PAYMENT");
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  @Test
  void replayingTheWholeTopicFromOffsetZeroInANewGroupChangesNoRow() throws Exception {
    fx = new ConsumerFixture(4);
    fx.createSale(50, 50);
    List<OrderMessage> orders = fx.reserveMany("replay-", 20);
    OrderConsumerService first = fx.start();
    fx.produce(orders);
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 20 && fx.redisPending() == 0);
    fx.stop(first);
    List<String> before = fx.dump();
    long redisStockBefore = fx.redisStock();

    String replayGroup = fx.group + "-replay";
    OrderConsumerService replay = fx.start(Map.of("SECKILL_CONSUMER_GROUP", replayGroup), BatchFaults.NONE);
    await().atMost(WAIT).until(() -> fx.committed(replayGroup) == 20);

    assertThat(fx.dump()).isEqualTo(before);
    assertThat(fx.redisStock()).isEqualTo(redisStockBefore);
    assertThat(count(replay, SeckillMeter.ORDERS_PERSISTED, "redelivered")).isEqualTo(20);
    assertThat(count(replay, SeckillMeter.ORDERS_PERSISTED, "inserted")).isZero();
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  @Test
  void ordersRedisOverAdmittedBeyondTheDatabaseStockBecomeFailedSoldOutInArrivalOrderAndAreReleasedOnce() throws Exception {
    fx = new ConsumerFixture(1);
    fx.createSale(3, 5); // Redis believes in 5 units (e.g. a manual reload), the database has 3
    List<OrderMessage> orders = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      orders.add(fx.reserve("over-" + i, 1));
    }
    fx.produce(orders);
    OrderConsumerService consumer = fx.start();
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 5 && fx.redisPending() == 0);

    for (int i = 0; i < 3; i++) {
      assertThat(fx.row(orders.get(i).orderId())).containsExactly("PENDING_PAYMENT", null);
    }
    for (int i = 3; i < 5; i++) {
      assertThat(fx.row(orders.get(i).orderId())).containsExactly("FAILED", "SOLD_OUT");
      assertThat(fx.redisOrder(orders.get(i).orderId())).containsEntry("status", "FAILED").containsEntry("reason", "SOLD_OUT");
    }
    assertThat(fx.remaining()).isZero();
    assertThat(fx.redisStock()).isEqualTo(2); // the two surplus reservations came back, once
    assertThat(count(consumer, SeckillMeter.RESERVATIONS_RELEASED, "sold_out")).isEqualTo(2);
    assertThat(count(consumer, SeckillMeter.ORDERS_PERSISTED, "failed_sold_out")).isEqualTo(2);

    fx.produce(orders.subList(3, 5)); // redelivered refusals release nothing again
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 7);
    await().atMost(WAIT).until(() -> count(consumer, SeckillMeter.ORDERS_PERSISTED, "redelivered") == 2);
    assertThat(fx.redisStock()).isEqualTo(2);
    assertThat(count(consumer, SeckillMeter.RESERVATIONS_RELEASED, "sold_out")).isEqualTo(2);

    Invariants.Report report = fx.invariants();
    assertThat(report.oversold()).isZero();
    assertThat(report.accountingGap()).isZero();
    assertThat(report.duplicateShoppers()).isZero();
    assertThat(report.lostOrders()).isZero();
    assertThat(report.inFlight()).isZero();
    // Redis started 2 units above the database; that drift is the reconciler's to heal, and the consumer added none.
    assertThat(report.drift()).isEqualTo(2);
  }

  @Test
  void aSecondDifferentOrderOfTheSameShopperBecomesFailedDuplicateAndIsReleased() throws Exception {
    fx = new ConsumerFixture(1);
    fx.createSale(10, 10);
    OrderMessage first = fx.reserve("carol", 2);
    // A Redis failover lost the buyers entry, so Redis admitted carol a second time.
    try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(URI.create(fx.infra.redisUrl()))) {
      jedis.hdel(io.seckill.common.redis.Bucket.root(fx.saleId).buyers(), "carol");
    }
    OrderMessage second = fx.reserve("carol", 3);
    fx.produce(List.of(first, second));
    OrderConsumerService consumer = fx.start();
    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 2 && fx.redisPending() == 0);

    assertThat(fx.row(first.orderId())).containsExactly("PENDING_PAYMENT", null);
    assertThat(fx.row(second.orderId())).containsExactly("FAILED", "DUPLICATE");
    assertThat(fx.redisOrder(second.orderId())).containsEntry("status", "FAILED").containsEntry("reason", "DUPLICATE");
    assertThat(fx.remaining()).isEqualTo(8);
    assertThat(fx.redisStock()).isEqualTo(8);
    assertThat(count(consumer, SeckillMeter.RESERVATIONS_RELEASED, "duplicate")).isEqualTo(1);
    assertThat(count(consumer, SeckillMeter.ORDERS_PERSISTED, "failed_duplicate")).isEqualTo(1);
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }

  @Test
  void twoInstancesInOneGroupShareThePartitionsAndPersistEveryOrderOnce() throws Exception {
    fx = new ConsumerFixture(4);
    fx.createSale(200, 200);
    OrderConsumerService one = fx.start(Map.of("SECKILL_CONSUMER_THREADS", "1"), BatchFaults.NONE);
    OrderConsumerService two = fx.start(Map.of("SECKILL_CONSUMER_THREADS", "1"), BatchFaults.NONE);
    await().atMost(WAIT).until(() -> one.assignedPartitions() > 0 && two.assignedPartitions() > 0
        && one.assignedPartitions() + two.assignedPartitions() == 4);
    List<OrderMessage> orders = fx.reserveMany("scale-", 60);
    fx.produce(orders);

    await().atMost(WAIT).until(() -> fx.committed(fx.group) == 60 && fx.redisPending() == 0);
    assertThat(fx.rows()).isEqualTo(60);
    assertThat(count(one, SeckillMeter.ORDERS_PERSISTED, "inserted")).isPositive();
    assertThat(count(two, SeckillMeter.ORDERS_PERSISTED, "inserted")).isPositive();
    assertThat(count(one, SeckillMeter.ORDERS_PERSISTED, "inserted") + count(two, SeckillMeter.ORDERS_PERSISTED, "inserted"))
        .isEqualTo(60);
    assertThat(fx.invariants().holds()).as("%s", fx.invariants()).isTrue();
  }
}
