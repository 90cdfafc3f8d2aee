package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConsumerSigkillTest {

  @Test
  void orderConsumerKilledWithSigkillMidStreamThreeTimesLosesNoAcknowledgedOrderAndCountsNoUnitTwice() throws Exception {
    Instant startedAt = Instant.now();
    try (FaultStack stack = FaultStack.create("consumer-kill", null, 4)) {
      stack.startStock();
      ServiceProcess consumer = stack.startConsumer();
      stack.startGateway();
      long saleId = stack.createOpenSale(300);
      BuyerLoad load = new BuyerLoad(stack, saleId);
      CompletableFuture<BuyerLoad.Phase> buying =
          load.runAsync("sale", BuyerLoad.shoppers("ck", 0, 450), 16, 25, Duration.ofSeconds(45));

      List<Integer> exitCodes = new ArrayList<>();
      for (int kill = 0; kill < 3; kill++) {
        long rowsBefore = stack.orderRows(saleId);
        // Kill while it is visibly persisting batches, i.e. with a batch in hand or an offset commit pending.
        await("consumer persisting").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> stack.orderRows(saleId) > rowsBefore);
        consumer.kill9();
        exitCodes.add(consumer.exitCode());
        consumer = stack.startConsumer();
      }
      BuyerLoad.Phase sale = buying.join();

      assertThat(exitCodes).as("every kill was a SIGKILL (exit 137)").containsOnly(137);
      assertThat(sale.accepted()).as("shoppers admitted during the kills").isPositive();
      Verdict.settleReportAndAssert(stack, saleId, load, "consumer SIGKILLed mid-stream x" + exitCodes.size()
          + " then restarted", startedAt);
    }
  }
}
