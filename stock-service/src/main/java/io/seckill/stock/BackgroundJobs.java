package io.seckill.stock;

import io.seckill.stock.payment.PaymentQuerySweep;
import io.seckill.stock.payment.PaymentTimeoutSweeper;
import io.seckill.stock.reconcile.Reconciler;
import io.seckill.stock.returns.StockReturnApplier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work: the payment-timeout sweep plus the retry of unapplied stock returns, and the
 * reconciliation pass. Each job re-arms its timer only after its previous run finished, so runs never
 * overlap within an instance; across instances they are safe by construction (SKIP LOCKED, idempotent scripts).
 */
final class BackgroundJobs extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundJobs.class);

  private final PaymentTimeoutSweeper sweeper;
  private final PaymentQuerySweep querySweep;
  private final StockReturnApplier applier;
  private final Reconciler reconciler;
  private final StockConfig config;
  private final Supplier<Future<Void>> pausedGauge;
  private final java.util.Set<Future<?>> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final long STOP_WAIT_MS = 5_000;
  private volatile boolean stopped;

  /** {@code querySweep} null: SECKILL_PAYMENT_PROVIDER=none, orders are cancelled at their timeout without asking. */
  BackgroundJobs(PaymentTimeoutSweeper sweeper, PaymentQuerySweep querySweep, StockReturnApplier applier,
                 Reconciler reconciler, StockConfig config, Supplier<Future<Void>> pausedGauge) {
    this.pausedGauge = pausedGauge;
    this.sweeper = sweeper;
    this.querySweep = querySweep;
    this.applier = applier;
    this.reconciler = reconciler;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    if (querySweep == null) {
      every(config.sweepIntervalMs(), "payment timeout sweep",
          () -> sweeper.sweepDue().compose(cancelled -> applier.retryUnapplied()));
    } else {
      // Provider answers can take up to their timeout: the return retries get their own timer, so a provider
      // outage never delays stock going back to Redis.
      every(config.sweepIntervalMs(), "payment timeout sweep (provider queried)", querySweep::sweepDue);
      every(config.sweepIntervalMs(), "stock return retry", applier::retryUnapplied);
    }
    every(config.reconcileIntervalMs(), "reconciliation", reconciler::reconcileActiveSales);
    // A paused sale whose window ends leaves the gauge by the clock alone: recounted at the reconciler's pace.
    every(config.reconcileIntervalMs(), "paused sales gauge", pausedGauge::get);
    pausedGauge.get();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    // Let a run in progress finish before the pools it uses are closed, but never hold the
    // shutdown hostage: a run stuck on a dead dependency is abandoned after a bounded wait
    // (everything it does is idempotent and is redone by the next instance).
    return Future.join(List.copyOf(running)).timeout(STOP_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .otherwiseEmpty();
  }

  private void every(long intervalMs, String name, Supplier<Future<?>> job) {
    vertx.setTimer(intervalMs, id -> {
      if (stopped) {
        return;
      }
      Future<?> run;
      try {
        run = job.get();
      } catch (RuntimeException e) {
        run = Future.failedFuture(e);
      }
      Future<?> current = run;
      running.add(current);
      run.onComplete(done -> {
        running.remove(current);
        if (done.failed()) {
          LOG.warn("{} failed, retrying in {} ms: {}", name, intervalMs, done.cause().getMessage());
        }
        every(intervalMs, name, job);
      });
    });
  }
}
