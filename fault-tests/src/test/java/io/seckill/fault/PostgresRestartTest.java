package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PostgresRestartTest {

  @Test
  void postgresRestartedDuringConsumptionDelaysOrdersButLosesOrDoublesNone() throws Exception {
    Instant startedAt = Instant.now();
    try (FaultStack stack = FaultStack.create("postgres-restart", null, 4)) {
      stack.startStock();
      stack.startConsumer();
      stack.startGateway();
      long saleId = stack.createOpenSale(300);
      BuyerLoad load = new BuyerLoad(stack, saleId);
      CompletableFuture<BuyerLoad.Phase> buying =
          load.runAsync("sale", BuyerLoad.shoppers("pg", 0, 450), 16, 25, Duration.ofSeconds(40));
      await("orders flowing").atMost(Duration.ofSeconds(30)).until(() -> stack.orderRows(saleId) >= 40);
      String how = PostgresOutage.interrupt(stack.infra.postgresUrl(), stack.pgUrl);
      BuyerLoad.Phase sale = buying.join();

      assertThat(sale.accepted()).isPositive();
      // The verdict's quiescence (every admitted order a row, nothing pending) is what proves consumption resumed:
      // the consumer may well have caught up before the restart command even returned.
      Verdict.settleReportAndAssert(stack, saleId, load, "PostgreSQL " + how + " during consumption", startedAt);
    }
  }
}
