package io.seckill.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.metrics.SeckillMeter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's meters, registered once. Two meters the common catalogue lacks are defined here in
 * its style (candidates for {@code SeckillMeter}): Redis calls made and Redis calls refused by the
 * in-flight cap.
 */
public final class GatewayMetrics {
  static final String REDIS_CALLS = "seckill.gateway.redis.calls";
  static final String REDIS_REJECTED = "seckill.gateway.redis.rejected";
  static final String AMBIGUOUS_SENDS = "seckill.gateway.kafka.ambiguous";

  private final MeterRegistry registry;
  private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Timer> lua = new ConcurrentHashMap<>();
  private final Map<String, Counter> ambiguous = new ConcurrentHashMap<>();
  private final Timer kafkaOk;
  private final Timer kafkaFailed;
  private final Timer kafkaOkDirect;
  private final Timer kafkaFailedDirect;
  private final Counter kafkaFailures;
  private final Counter releasedKafka;
  private final Counter rateLimitedUser;
  private final Counter rateLimitedIp;
  private final Counter redisCalls;
  private final Counter redisRejected;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.kafkaOk = SeckillMeter.KAFKA_SEND_DURATION.timer(registry, "ok", "thread");
    this.kafkaFailed = SeckillMeter.KAFKA_SEND_DURATION.timer(registry, "failed", "thread");
    this.kafkaOkDirect = SeckillMeter.KAFKA_SEND_DURATION.timer(registry, "ok", "direct");
    this.kafkaFailedDirect = SeckillMeter.KAFKA_SEND_DURATION.timer(registry, "failed", "direct");
    this.kafkaFailures = SeckillMeter.KAFKA_SEND_FAILURES.counter(registry);
    this.releasedKafka = SeckillMeter.RESERVATIONS_RELEASED.counter(registry, "kafka_send_failed");
    this.rateLimitedUser = SeckillMeter.RATE_LIMITED.counter(registry, "user");
    this.rateLimitedIp = SeckillMeter.RATE_LIMITED.counter(registry, "ip");
    this.redisCalls = Counter.builder(REDIS_CALLS).description("Redis commands and scripts the gateway sent").register(registry);
    this.redisRejected = Counter.builder(REDIS_REJECTED)
        .description("Redis calls refused because too many were in flight").register(registry);
    for (String outcome : new String[] {"admitted", "duplicate", "sold_out", "not_started", "ended", "rate_limited",
        "invalid", "unavailable", "limit_exceeded", "bad_token", "paused", "blocked"}) {
      attempt(outcome);
    }
  }

  /** The purchase outcome tag of a refusal. */
  public static String outcomeOf(ErrorCode code) {
    return switch (code) {
      case SOLD_OUT -> "sold_out";
      case SALE_NOT_STARTED -> "not_started";
      case SALE_ENDED -> "ended";
      case SALE_PAUSED -> "paused";
      case USER_BLOCKED -> "blocked";
      case RATE_LIMITED -> "rate_limited";
      case UNAVAILABLE, SALE_NOT_READY, INTERNAL -> "unavailable";
      case OUTCOME_UNKNOWN -> "unknown";
      case LIMIT_EXCEEDED -> "limit_exceeded";
      case INVALID_PURCHASE_TOKEN -> "bad_token";
      default -> "invalid";
    };
  }

  public void attempt(String outcome, long nanos) {
    attempt(outcome).increment();
    durations.computeIfAbsent(outcome, o -> SeckillMeter.PURCHASE_DURATION.timer(registry, o))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private Counter attempt(String outcome) {
    return attempts.computeIfAbsent(outcome, o -> SeckillMeter.PURCHASE_ATTEMPTS.counter(registry, o));
  }

  public Timer lua(String script) {
    return lua.computeIfAbsent(script, s -> SeckillMeter.LUA_DURATION.timer(registry, s));
  }

  /** @param direct handed to the producer on the event loop itself, not by the send thread */
  public void kafkaSent(long nanos, boolean ok, boolean direct) {
    Timer timer = direct ? (ok ? kafkaOkDirect : kafkaFailedDirect) : (ok ? kafkaOk : kafkaFailed);
    timer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (!ok) {
      kafkaFailures.increment();
    }
  }

  /** A Kafka send that failed without certainty, by what PostgreSQL made of it (fenced, persisted, failed, unknown). */
  public void ambiguousSend(String settled) {
    ambiguous.computeIfAbsent(settled, s -> Counter.builder(AMBIGUOUS_SENDS)
        .description("Order records whose Kafka send failed without certainty, by how PostgreSQL settled them")
        .tag("settled", s).register(registry)).increment();
  }

  public void releasedAfterKafkaFailure() {
    releasedKafka.increment();
  }

  public void rateLimited(boolean user) {
    (user ? rateLimitedUser : rateLimitedIp).increment();
  }

  public void redisCall() {
    redisCalls.increment();
  }

  public void redisRejected() {
    redisRejected.increment();
  }

  /** Redis calls made so far (tests prove the sold-out fast path with it). */
  public double redisCalls() {
    return redisCalls.count();
  }
}
