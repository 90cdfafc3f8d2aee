package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ZombieConsumerTest {
  private static final int MAX_POLL_INTERVAL_MS = 7_000;
  private static final int SESSION_TIMEOUT_MS = 6_000;
  private static final Duration FROZEN = Duration.ofSeconds(12);

  @Test
  void consumerFrozenPastMaxPollIntervalIsReplacedAndItsStaleBatchCountsNothingTwiceWhenItWakes() throws Exception {
    Instant startedAt = Instant.now();
    try (FaultStack stack = FaultStack.create("zombie-consumer", null, 4)) {
      stack.with("SECKILL_CONSUMER_THREADS", "1")
          .with("SECKILL_CONSUMER_MAX_POLL_INTERVAL_MS", Integer.toString(MAX_POLL_INTERVAL_MS))
          .with("SECKILL_CONSUMER_SESSION_TIMEOUT_MS", Integer.toString(SESSION_TIMEOUT_MS));
      stack.startStock();
      ServiceProcess zombie = stack.startConsumer();
      ServiceProcess survivor = stack.startConsumer(Map.of());
      stack.startGateway();
      long saleId = stack.createOpenSale(300);
      BuyerLoad load = new BuyerLoad(stack, saleId);
      CompletableFuture<BuyerLoad.Phase> buying =
          load.runAsync("sale", BuyerLoad.shoppers("zc", 0, 450), 16, 25, Duration.ofSeconds(40));

      await("orders flowing").atMost(Duration.ofSeconds(30)).until(() -> stack.orderRows(saleId) >= 30);
      long survivorAssignmentsBefore = count(survivor, "partitions assigned");
      zombie.pause();
      // Frozen past max.poll.interval.ms and session.timeout.ms: the group must hand its partitions over.
      await("survivor takes over").atMost(Duration.ofSeconds(30)).pollDelay(FROZEN)
          .until(() -> count(survivor, "partitions assigned") > survivorAssignmentsBefore);
      long rowsWhileFrozen = stack.orderRows(saleId);
      zombie.resume();
      await("the zombie learns it was fenced").atMost(Duration.ofSeconds(30))
          .until(() -> !fencingEvidence(zombie).isEmpty());
      BuyerLoad.Phase sale = buying.join();

      assertThat(sale.accepted()).isPositive();
      assertThat(rowsWhileFrozen).as("rows persisted by the survivor while the zombie was frozen").isPositive();
      Verdict.settleReportAndAssert(stack, saleId, load, "consumer SIGSTOPped " + FROZEN.toSeconds()
          + " s (max.poll.interval " + MAX_POLL_INTERVAL_MS + " ms, session " + SESSION_TIMEOUT_MS
          + " ms), survivor took over, SIGCONT; zombie saw " + fencingEvidence(zombie), startedAt);
    }
  }

  private static List<String> fencingEvidence(ServiceProcess zombie) throws IOException {
    return List.of("partitions lost", "offset commit failed", "commit on revocation failed").stream()
        .filter(sign -> {
          try {
            return count(zombie, sign) > 0;
          } catch (IOException e) {
            return false;
          }
        }).toList();
  }

  private static long count(ServiceProcess service, String text) throws IOException {
    try (var lines = Files.lines(service.log())) {
      return lines.filter(line -> line.contains(text)).count();
    }
  }
}
