package io.seckill.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;

/**
 * The catalogue of every application meter, under one prefix. Tags are low-cardinality: never a
 * user or order id; a sale id only on the per-sale gauges, whose number is bounded by live sales.
 */
public enum SeckillMeter {
  PURCHASE_ATTEMPTS("seckill.purchase.attempts", MeterType.COUNTER, "Purchase attempts at the gateway by outcome", null, "outcome"),
  PURCHASE_DURATION("seckill.purchase.duration", MeterType.TIMER, "Gateway time to answer a purchase, by outcome", "seconds", "outcome"),
  LUA_DURATION("seckill.redis.script.duration", MeterType.TIMER, "Redis Lua script round trip, by script", "seconds", "script"),
  KAFKA_SEND_DURATION("seckill.kafka.send.duration", MeterType.TIMER, "Time until Kafka acknowledged an order record, by result and by the thread that handed it over (direct: the event loop; thread: the send thread)", "seconds", "result", "path"),
  KAFKA_SEND_FAILURES("seckill.kafka.send.failures", MeterType.COUNTER, "Order records Kafka did not acknowledge", null),
  RESERVATIONS_RELEASED("seckill.reservations.released", MeterType.COUNTER, "Redis reservations given back, by cause", null, "cause"),
  ORDERS_PERSISTED("seckill.orders.persisted", MeterType.COUNTER, "Order messages handled by the consumer, by result", null, "result"),
  CONSUMER_BATCH_SIZE("seckill.consumer.batch.size", MeterType.DISTRIBUTION, "Records per consumer batch", "records"),
  CONSUMER_BATCH_DURATION("seckill.consumer.batch.duration", MeterType.TIMER, "Time to persist one consumer batch", "seconds"),
  DLQ_RECORDS("seckill.consumer.dlq", MeterType.COUNTER, "Records sent to the dead-letter topic", null),
  STOCK_REMAINING("seckill.stock.remaining", MeterType.GAUGE, "Units left per sale, by source (redis, db)", "units", "sale", "source"),
  STOCK_DRIFT("seckill.stock.drift", MeterType.GAUGE, "Redis stock minus DB remaining net of in-flight orders", "units", "sale"),
  PAYMENT_CALLBACKS("seckill.payment.callbacks", MeterType.COUNTER, "Payment callbacks by result", null, "result"),
  PAYMENT_QUERIES("seckill.payment.queries", MeterType.COUNTER, "Payment provider queries before a timeout cancel, by result (paid, not_paid, unknown)", null, "result"),
  PAYMENT_QUERY_DURATION("seckill.payment.query.duration", MeterType.TIMER, "Time until the payment provider answered a query (or it timed out), by result", "seconds", "result"),
  STOCK_RETURNS("seckill.stock.returns", MeterType.COUNTER, "Orders whose stock went back, by cause", null, "cause"),
  RATE_LIMITED("seckill.ratelimit.rejections", MeterType.COUNTER, "Requests refused by a rate limit, by scope", null, "scope"),
  ADMIN_ACTIONS("seckill.admin.actions", MeterType.COUNTER, "Operator control calls (pause, resume, end, patch, block, unblock) by action and outcome", null, "action", "outcome"),
  SALES_PAUSED("seckill.sales.paused", MeterType.GAUGE, "Sales an operator paused that have not ended", null);

  /** The latency SLO buckets every timer publishes (seconds): the buy call targets p99 <= 10 ms. */
  public static final List<Duration> SLO = List.of(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(1000));

  private final String meterName;
  private final MeterType type;
  private final String description;
  private final String unit;
  private final List<String> tagKeys;

  SeckillMeter(String meterName, MeterType type, String description, String unit, String... tagKeys) {
    this.meterName = meterName;
    this.type = type;
    this.description = description;
    this.unit = unit;
    this.tagKeys = List.of(tagKeys);
  }

  public String meterName() {
    return meterName;
  }

  public MeterType type() {
    return type;
  }

  public String description() {
    return description;
  }

  public String unit() {
    return unit;
  }

  public List<String> tagKeys() {
    return tagKeys;
  }

  public Counter counter(MeterRegistry registry, String... tagValues) {
    requireType(MeterType.COUNTER);
    return Counter.builder(meterName).description(description).baseUnit(unit).tags(tags(tagValues)).register(registry);
  }

  public Timer timer(MeterRegistry registry, String... tagValues) {
    requireType(MeterType.TIMER);
    return Timer.builder(meterName).description(description).tags(tags(tagValues))
        .serviceLevelObjectives(SLO.toArray(Duration[]::new)).publishPercentileHistogram(false)
        .register(registry);
  }

  public DistributionSummary summary(MeterRegistry registry, String... tagValues) {
    requireType(MeterType.DISTRIBUTION);
    return DistributionSummary.builder(meterName).description(description).baseUnit(unit).tags(tags(tagValues))
        .serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000, 2000).register(registry);
  }

  public String[] tags(String... tagValues) {
    if (tagValues.length != tagKeys.size()) {
      throw new IllegalArgumentException(meterName + " takes tags " + tagKeys + " but got " + tagValues.length + " values");
    }
    String[] tags = new String[tagValues.length * 2];
    for (int i = 0; i < tagValues.length; i++) {
      tags[2 * i] = tagKeys.get(i);
      tags[2 * i + 1] = tagValues[i];
    }
    return tags;
  }

  private void requireType(MeterType expected) {
    if (type != expected) {
      throw new IllegalStateException(meterName + " is a " + type + ", not a " + expected);
    }
  }
}
