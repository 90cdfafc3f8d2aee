package io.seckill.gateway.guards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-shopper and per-IP token buckets. */
class RateLimiterTest {
  @Test
  void tokenBucketRefusesPastItsBurstAndRefillsAtItsRate() {
    AtomicLong nanos = new AtomicLong();
    RateLimiter limiter = new RateLimiter(2, 3, 100, nanos::get);
    assertThat(limiter.tryAcquire("u")).isZero();
    assertThat(limiter.tryAcquire("u")).isZero();
    assertThat(limiter.tryAcquire("u")).isZero();
    assertThat(limiter.tryAcquire("u")).isEqualTo(1);
    assertThat(limiter.tryAcquire("other")).isZero();
    nanos.addAndGet(500_000_000L);
    assertThat(limiter.tryAcquire("u")).isZero();
  }

  @Test
  void tokenBucketMapStaysBounded() {
    AtomicLong nanos = new AtomicLong();
    RateLimiter limiter = new RateLimiter(1, 1, 100, nanos::get);
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire("ip-" + i);
    }
    assertThat(limiter.size()).isLessThanOrEqualTo(100);
  }
}
