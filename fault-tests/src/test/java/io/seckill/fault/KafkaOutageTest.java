package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.infra.KafkaBroker;
import io.seckill.infra.LocalInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class KafkaOutageTest {

  @Test
  void brokerStoppedDuringABurstMakesTheGatewayAnswer503WithNothingReservedAndLosesNothingAdmitted() throws Exception {
    Instant startedAt = Instant.now();
    KafkaBroker broker = LocalInfra.shared().kafkaBroker();
    assertThat(broker).as("the in-process broker (SECKILL_KAFKA_BOOTSTRAP must not be set)").isNotNull();
    int initial = 400;
    try (FaultStack stack = FaultStack.create("kafka-outage", null, 4)) {
      stack.startStock();
      stack.startConsumer();
      stack.startGateway();
      long saleId = stack.createOpenSale(initial);
      BuyerLoad load = new BuyerLoad(stack, saleId);
      CompletableFuture<BuyerLoad.Phase> burst =
          load.runAsync("burst", BuyerLoad.shoppers("ko", 0, 150), 16, 30, Duration.ofSeconds(30));
      await("orders flowing").atMost(Duration.ofSeconds(30)).until(() -> stack.orderRows(saleId) >= 20);
      String outageAnswers;
      try {
        broker.stop(); // mid-burst: sends in flight fail after the delivery timeout
        burst.join();
        BuyerLoad.Phase outage = load.run("outage", BuyerLoad.shoppers("ko", 1000, 40), 16, 40, Duration.ofSeconds(30));
        assertThat(outage.accepted()).as("202s while the broker is down").isZero();
        assertThat(outage.count("503 UNAVAILABLE")).as("503s while the broker is down: %s", outage.answers())
            .isEqualTo(outage.total());
        // Nothing is in flight now: every unit Redis took out is an order some shopper holds a 202 for.
        assertThat(stack.redisStock(saleId) + load.acknowledgedOrderIds().size())
            .as("Redis stock + admitted == initial during the outage").isEqualTo(initial);
        outageAnswers = "burst " + burst.join().answers() + ", outage " + outage.answers();
      } finally {
        broker.restart();
      }
      BuyerLoad.Phase after = load.run("after", BuyerLoad.shoppers("ko", 2000, 200), 16, 30, Duration.ofSeconds(30));
      assertThat(after.accepted()).as("the sale resumes once the broker is back").isPositive();
      Verdict.settleReportAndAssert(stack, saleId, load, "Kafka broker stopped mid-burst and restarted (" + outageAnswers
          + ", after restart " + after.answers() + ")", startedAt);
    } finally {
      if (!broker.running()) {
        broker.restart();
      }
    }
  }
}
