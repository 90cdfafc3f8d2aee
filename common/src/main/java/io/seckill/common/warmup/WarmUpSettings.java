package io.seckill.common.warmup;

import io.seckill.common.config.Env;

/**
 * The start-up warm-up (docs/performance.md, "Warm before the doors open"): synthetic traffic through the service's
 * own hot path before readiness says ready, so the JIT has compiled it when shoppers arrive.
 *
 * @param requests SECKILL_WARMUP_REQUESTS: the gateway's synthetic HTTP requests, the consumer's synthetic orders;
 *                 0 turns the warm-up off (the test harnesses do)
 * @param maxMs    SECKILL_WARMUP_MAX_MS: hard bound on the warm-up; past it readiness proceeds cold
 * @param topic    SECKILL_WARMUP_TOPIC: where warm-up orders go; no consumer group reads it (the consumer's warm-up
 *                 reads its own back, in no group)
 * @param untilJitSettles SECKILL_WARMUP_UNTIL_JIT_SETTLES (false): {@code requests} is the least; the warm-up goes on
 *                 until the JIT settled ({@link JitSettling}) or {@code maxMs} passed. Off by default: three bench
 *                 runs did not show it paying (docs/performance.md), and it lengthens the start
 */
public record WarmUpSettings(int requests, int maxMs, String topic, boolean untilJitSettles) {
  public static final int DEFAULT_REQUESTS = 20_000;
  public static final int DEFAULT_MAX_MS = 45_000;
  public static final String DEFAULT_TOPIC = "seckill.orders.warmup";

  public static WarmUpSettings from(Env env) {
    return new WarmUpSettings(
        env.integer("SECKILL_WARMUP_REQUESTS", DEFAULT_REQUESTS, 0, 10_000_000),
        env.integer("SECKILL_WARMUP_MAX_MS", DEFAULT_MAX_MS, 100, 600_000),
        env.optional("SECKILL_WARMUP_TOPIC", DEFAULT_TOPIC),
        env.bool("SECKILL_WARMUP_UNTIL_JIT_SETTLES", false));
  }

  /** The same warm-up with {@code factor} times the count (a service whose unit is cheaper than a request). */
  public WarmUpSettings times(int factor) {
    return new WarmUpSettings((int) Math.min(Integer.MAX_VALUE, (long) requests * factor), maxMs, topic, untilJitSettles);
  }

  public boolean enabled() {
    return requests > 0;
  }

  /**
   * Whether the warm-up should go on after {@code done} requests (the time bound is the caller's): until
   * {@code requests}, then, with {@code untilJitSettles}, until {@code jit} says the compilers settled.
   */
  public boolean goOn(int done, JitSettling jit) {
    return done < requests || untilJitSettles && !jit.settled();
  }

  /**
   * What readiness says while a warm-up runs, {@code done} of {@code requests} units ("requests", "orders") so far;
   * past the count only while it goes on until the JIT settles.
   */
  public String progress(int done, String units) {
    return untilJitSettles && done >= requests ? "warming up: " + done + " " + units + ", until the JIT settles"
        : "warming up: " + Math.min(done, requests) + " of " + requests + " " + units;
  }

  @Override
  public String toString() {
    return enabled() ? "warmUp[requests=" + requests + (untilJitSettles ? "+until the JIT settles" : "") + ", maxMs=" + maxMs
        + ", topic=" + topic + "]" : "warmUp[off]";
  }
}
