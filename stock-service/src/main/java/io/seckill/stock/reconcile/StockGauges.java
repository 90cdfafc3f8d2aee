package io.seckill.stock.reconcile;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.seckill.common.metrics.SeckillMeter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Per-sale gauges the reconciler sets: STOCK_DRIFT and STOCK_REMAINING by source (redis, db). */
public final class StockGauges {
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

  public StockGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(long saleId, Long redisStock, long dbRemaining, long drift) {
    String sale = Long.toString(saleId);
    gauge(SeckillMeter.STOCK_DRIFT, sale).set(drift);
    gauge(SeckillMeter.STOCK_REMAINING, sale, "db").set(dbRemaining);
    if (redisStock != null) {
      gauge(SeckillMeter.STOCK_REMAINING, sale, "redis").set(redisStock);
    }
  }

  private AtomicLong gauge(SeckillMeter meter, String... tags) {
    return values.computeIfAbsent(meter.name() + String.join("/", tags), ignored -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(meter.meterName(), value, AtomicLong::get).description(meter.description()).baseUnit(meter.unit())
          .tags(meter.tags(tags)).register(registry);
      return value;
    });
  }
}
