package io.seckill.stock.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.seckill.common.metrics.SeckillMeter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ADMIN_ACTIONS by action and outcome, and SALES_PAUSED: the paused sales that have not ended, counted in
 * PostgreSQL after each control and on every reconciliation pass (every stock-service instance reports the
 * same database count, so a dashboard takes the max, not the sum).
 */
public final class AdminMetrics {
  private final MeterRegistry registry;
  private final Pool pool;
  private final AtomicLong paused = new AtomicLong();

  public AdminMetrics(MeterRegistry registry, Pool pool) {
    this.registry = registry;
    this.pool = pool;
    Gauge.builder(SeckillMeter.SALES_PAUSED.meterName(), paused, AtomicLong::get)
        .description(SeckillMeter.SALES_PAUSED.description()).register(registry);
  }

  /** @param outcome applied, unchanged, refused (409), invalid (400/404) or failed (503, after or before a commit) */
  public void action(String action, String outcome) {
    SeckillMeter.ADMIN_ACTIONS.counter(registry, action.toLowerCase(Locale.ROOT), outcome).increment();
  }

  public Future<Void> refreshPaused() {
    // Fail-open: a stale gauge is better than a failed control; the next refresh corrects it.
    return pool.query(AdminQueries.PAUSED_SALES).execute()
        .map(rows -> {
          paused.set(rows.iterator().next().getLong("paused"));
          return (Void) null;
        })
        .otherwiseEmpty();
  }

  long pausedNow() {
    return paused.get();
  }
}
