package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.infra.Ports;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisRestartTest {

  @Test
  void redisRestartedEmptyRefusesEveryPurchaseUntilRewarmedAndTheDatabaseStopsTheOversellItCauses() throws Exception {
    Instant startedAt = Instant.now();
    int initial = 80;
    try (DedicatedRedis redis = DedicatedRedis.start(Ports.freePort(), FaultPaths.log("redis-restart", "redis-server"));
         FaultStack stack = FaultStack.create("redis-restart", redis.url(), 4)) {
      // The consumer stays frozen for ~15 s here: it must not be fenced meanwhile (the zombie scenario covers that).
      stack.with("SECKILL_CONSUMER_SESSION_TIMEOUT_MS", "45000");
      stack.startStock();
      ServiceProcess consumer = stack.startConsumer();
      stack.startGateway();
      long saleId = stack.createOpenSale(initial);
      BuyerLoad load = new BuyerLoad(stack, saleId);

      BuyerLoad.Phase persisted = load.run("persisted", BuyerLoad.shoppers("rr", 0, 40), 16, 40, Duration.ofSeconds(20));
      assertThat(persisted.accepted()).isEqualTo(40);
      await("first orders persisted").atMost(Duration.ofSeconds(30))
          .until(() -> stack.orderRows(saleId) == 40 && stack.pending(saleId) == 0);

      // Orders admitted while the consumer is frozen are in Kafka only: the empty Redis will not know them.
      consumer.pause();
      List<String> inKafkaOnly = BuyerLoad.shoppers("rr", 40, 20);
      BuyerLoad.Phase queued = load.run("queued", inKafkaOnly, 16, 40, Duration.ofSeconds(20));
      assertThat(queued.accepted()).isEqualTo(20);

      redis.kill9();
      BuyerLoad.Phase down = load.run("redis-down", BuyerLoad.shoppers("rr", 100, 10), 10, 20, Duration.ofSeconds(20));
      redis.startEmpty();
      BuyerLoad.Phase empty = load.run("redis-empty", BuyerLoad.shoppers("rr", 110, 10), 10, 20, Duration.ofSeconds(20));
      assertThat(down.accepted()).as("admitted while Redis was down: %s", down.answers()).isZero();
      assertThat(empty.accepted()).as("admitted by the empty Redis before warm-up: %s", empty.answers()).isZero();

      HttpResponse<String> warm = stack.warmup(saleId, false);
      boolean forced = warm.statusCode() != 200;
      if (forced) {
        warm = stack.warmup(saleId, true);
      }
      assertThat(warm.statusCode()).as("warm-up: %s", warm.body()).isEqualTo(200);
      // The gateway remembers "no such sale" for up to its meta cache TTL: wait until it sees the re-warmed sale.
      await("gateway sees the re-warmed sale").atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> stack.publicSale(saleId).statusCode() == 200);

      // Still with the consumer frozen: the re-warmed Redis (stock = DB remaining 40) cannot know the 20 Kafka-only
      // orders, so it admits 40 more: 10 of those shoppers again and 30 newcomers, 50 units claimed against the DB's 40.
      // Only the database can refuse them now.
      List<String> after = new ArrayList<>(inKafkaOnly.subList(0, 10));
      after.addAll(BuyerLoad.shoppers("rr", 200, 60));
      BuyerLoad.Phase rewarmed = load.run("rewarmed", after, 16, 40, Duration.ofSeconds(30));
      assertThat(rewarmed.accepted()).as("admitted by the re-warmed Redis: %s", rewarmed.answers()).isEqualTo(40);
      consumer.resume();
      BuyerLoad.Phase late = load.run("late", BuyerLoad.shoppers("rr", 300, 40), 16, 40, Duration.ofSeconds(30));

      Verdict.settleReportAndAssert(stack, saleId, load, "dedicated Redis SIGKILLed and restarted empty (down: "
          + down.answers() + ", empty: " + empty.answers() + "), re-warmed" + (forced ? " with force" : "")
          + " with 20 orders only in Kafka, re-warmed Redis admitted " + rewarmed.accepted() + " (10 of them retries),"
          + " DB refused " + stack.failedRows(saleId, "DUPLICATE") + " DUPLICATE + " + stack.failedRows(saleId, "SOLD_OUT")
          + " SOLD_OUT, late " + late.answers(), startedAt);
      assertThat(stack.failedRows(saleId, "DUPLICATE")).as("second orders of the retrying shoppers refused").isEqualTo(10);
      assertThat(stack.failedRows(saleId, "SOLD_OUT")).as("over-admitted orders refused by the DB guard").isPositive();
    }
  }
}
