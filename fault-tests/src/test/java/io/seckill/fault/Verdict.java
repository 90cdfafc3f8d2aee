package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.infra.Invariants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The end of every scenario: wait until the system is quiet (nothing in flight, nothing pending,
 * Redis stock equal to the DB's remaining), run the invariant check with every 202 as acknowledged,
 * print and append one report line, then assert.
 */
final class Verdict {
  private Verdict() {
  }

  static Invariants.Report settleReportAndAssert(FaultStack stack, long saleId, BuyerLoad load, String fault,
                                                 Instant startedAt) throws Exception {
    Settled settled = awaitQuiet(stack, saleId, load.acknowledgedOrderIds(), Duration.ofSeconds(90));
    Invariants.Report report = settled.report();
    FaultStack.SaleFigures f = settled.figures();
    long seconds = Duration.between(startedAt, Instant.now()).toSeconds();
    String line = String.format("[%s] %s | requests=%d answers=%s acked=%d | initial=%s dbRemaining=%s redisStock=%s "
            + "pending=%s liveOrders=%s failedRows=%s liveWithout202=%s | oversold=%s accountingGap=%s duplicateShoppers=%s "
            + "lostOrders=%s drift=%s inFlight=%s | %s | %d s",
        stack.scenario, fault, load.requests(), load.answerSummary(), load.acknowledgedOrderIds().size(),
        f == null ? "?" : f.initial(), f == null ? "?" : f.dbRemaining(), f == null ? "?" : f.redisStock(),
        f == null ? "?" : f.pending(), f == null ? "?" : f.liveOrders(), f == null ? "?" : f.failedOrders(),
        f == null ? "?" : f.liveWithout202(),
        report == null ? "?" : report.oversold(), report == null ? "?" : report.accountingGap(),
        report == null ? "?" : report.duplicateShoppers(), report == null ? "?" : report.lostOrders(),
        report == null ? "?" : report.drift(), report == null ? "?" : report.inFlight(),
        report != null && f != null && quiet(report, f) ? "INVARIANTS HOLD" : "INVARIANTS BROKEN", seconds);
    System.out.println(line);
    append(line);
    assertThat(report).as("invariants of sale %d could not be read", saleId).isNotNull();
    assertThat(report.holds()).as("invariants: %s", report).isTrue();
    assertThat(report.inFlight()).as("orders still in flight").isZero();
    assertThat(f.pending()).as("Redis pending entries").isZero();
    assertThat(f.redisStock()).as("Redis stock == DB remaining").isEqualTo(f.dbRemaining());
    assertThat(f.liveOrders()).as("live orders + DB remaining == initial stock").isEqualTo(f.initial() - f.dbRemaining());
    return report;
  }

  /** The last figures read while waiting for quiescence, and whether they were quiet. */
  record Settled(Invariants.Report report, FaultStack.SaleFigures figures, boolean quiet) {
  }

  /**
   * Waits (at most {@code bound}) until nothing is in flight, Redis {@code pending} is empty, Redis stock equals
   * the DB's remaining and the invariants hold; returns the last reading either way (null figures if none could
   * be read).
   */
  static Settled awaitQuiet(FaultStack stack, long saleId, Collection<String> acknowledged, Duration bound) {
    AtomicReference<Invariants.Report> last = new AtomicReference<>();
    AtomicReference<FaultStack.SaleFigures> lastFigures = new AtomicReference<>();
    try {
      await("quiescence of sale " + saleId).atMost(bound).pollInterval(Duration.ofMillis(500))
          .ignoreExceptions().until(() -> {
            Invariants.Report report = stack.invariants(saleId, acknowledged);
            FaultStack.SaleFigures figures = stack.figures(saleId, acknowledged);
            last.set(report);
            lastFigures.set(figures);
            return quiet(report, figures);
          });
    } catch (ConditionTimeoutException stillMoving) {
      // The caller reports and asserts with the last figures read.
    }
    Invariants.Report report = last.get();
    FaultStack.SaleFigures figures = lastFigures.get();
    return new Settled(report, figures, report != null && figures != null && quiet(report, figures));
  }

  private static boolean quiet(Invariants.Report report, FaultStack.SaleFigures f) {
    return report.holds() && report.inFlight() == 0 && f.pending() == 0 && f.redisStock() != null
        && f.redisStock() == f.dbRemaining();
  }

  static void append(String line) {
    try {
      Files.createDirectories(FaultPaths.target());
      Files.writeString(FaultPaths.report(), line + System.lineSeparator(), StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException("cannot append to " + FaultPaths.report() + ": " + e.getMessage(), e);
    }
  }
}
