package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GatewayHaltTest {
  private static final int HALTS = 3;

  @Test
  void gatewayDyingBetweenRedisReservationAndKafkaSendLeavesOrphansThatReconciliationGivesBack() throws Exception {
    Instant startedAt = Instant.now();
    try (FaultStack stack = FaultStack.create("gateway-halt", null, 4)) {
      ServiceProcess stock = stack.startStock();
      stack.startConsumer();
      Map<String, String> hook = Map.of("SECKILL_TEST_HALT_AFTER_RESERVE_EVERY", "20");
      stack.startGateway(hook);
      long saleId = stack.createOpenSale(300);
      BuyerLoad load = new BuyerLoad(stack, saleId);
      CompletableFuture<BuyerLoad.Phase> buying =
          load.runAsync("sale", BuyerLoad.shoppers("gh", 0, 500), 16, 25, Duration.ofSeconds(50));

      List<Integer> exitCodes = new ArrayList<>();
      for (int halt = 1; halt <= HALTS; halt++) {
        ServiceProcess gateway = stack.gateway();
        await("gateway halt " + halt).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
            .until(() -> !gateway.alive());
        exitCodes.add(gateway.exitCode());
        stack.startGateway(halt < HALTS ? hook : Map.of());
      }
      BuyerLoad.Phase sale = buying.join();

      assertThat(exitCodes).as("the gateway halted itself (exit 137) each time").containsOnly(137);
      assertThat(sale.accepted()).isPositive();
      Verdict.settleReportAndAssert(stack, saleId, load, "gateway halted between reserve.lua and the Kafka send x"
          + exitCodes.size() + ", orphans released by reconciliation: " + orphansReleased(stock), startedAt);
      assertThat(orphansReleased(stock)).as("orphaned reservations the reconciler released").isGreaterThanOrEqualTo(HALTS);
    }
  }

  private static long orphansReleased(ServiceProcess stock) throws IOException {
    try (var lines = Files.lines(stock.log())) {
      return lines.filter(line -> line.contains("never reached Kafka or the DB")).count();
    }
  }
}
