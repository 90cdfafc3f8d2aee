package io.seckill.consumer.batch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.seckill.common.metrics.SeckillMeter;
import java.util.EnumMap;
import java.util.Map;

/** The consumer's meters from the {@link SeckillMeter} catalogue, registered once and shared by the poll loops. */
public final class ConsumerMeters {
  private final MeterRegistry registry;
  private final Map<OrderOutcome.Result, Counter> persisted = new EnumMap<>(OrderOutcome.Result.class);
  private final Counter poison;
  private final Counter deadLettered;
  private final DistributionSummary batchSize;
  private final Timer batchDuration;

  public ConsumerMeters(MeterRegistry registry) {
    this.registry = registry;
    for (OrderOutcome.Result result : OrderOutcome.Result.values()) {
      persisted.put(result, SeckillMeter.ORDERS_PERSISTED.counter(registry, result.metricTag()));
    }
    this.poison = persisted.get(OrderOutcome.Result.UNKNOWN_SALE); // both kinds end in the DLQ: result "dlq"
    this.deadLettered = SeckillMeter.DLQ_RECORDS.counter(registry);
    this.batchSize = SeckillMeter.CONSUMER_BATCH_SIZE.summary(registry);
    this.batchDuration = SeckillMeter.CONSUMER_BATCH_DURATION.timer(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void outcome(OrderOutcome.Result result) {
    persisted.get(result).increment();
  }

  public void undecodable() {
    poison.increment();
  }

  public void deadLettered(int records) {
    deadLettered.increment(records);
  }

  public void batch(int records, long nanos) {
    batchSize.record(records);
    batchDuration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void released(String cause) {
    SeckillMeter.RESERVATIONS_RELEASED.counter(registry, cause).increment();
  }
}
