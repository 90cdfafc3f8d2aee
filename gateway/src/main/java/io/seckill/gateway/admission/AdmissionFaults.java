package io.seckill.gateway.admission;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only fault injection into admission, off in production ({@link #NONE}). The fault suite starts gateways
 * with {@code SECKILL_TEST_HALT_AFTER_RESERVE_EVERY}, and {@code Main} then installs {@link #haltEvery}: the
 * process dies right after reserve.lua said OK and before the Kafka send, to prove the reconciler heals the orphan.
 */
public interface AdmissionFaults {
  AdmissionFaults NONE = (saleId, orderId) -> { };

  /** Runs after a reservation succeeded, before its order is handed to Kafka. */
  void afterReserve(long saleId, String orderId);

  /** {@link #NONE} for 0; else every {@code every}-th admitted reservation halts the process (exit 137). */
  static AdmissionFaults haltAfterReserveEvery(int every) {
    if (every <= 0) {
      return NONE;
    }
    Logger log = LoggerFactory.getLogger(AdmissionFaults.class);
    AtomicLong admitted = new AtomicLong();
    return (saleId, orderId) -> {
      if (admitted.incrementAndGet() % every == 0) {
        log.error("TEST HOOK SECKILL_TEST_HALT_AFTER_RESERVE_EVERY: halting after reserving order {} of sale {}",
            orderId, saleId);
        Runtime.getRuntime().halt(137);
      }
    };
  }
}
