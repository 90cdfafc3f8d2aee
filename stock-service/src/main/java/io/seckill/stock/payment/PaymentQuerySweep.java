package io.seckill.stock.payment;

import io.micrometer.core.instrument.MeterRegistry;
import io.seckill.common.metrics.SeckillMeter;
import io.seckill.stock.returns.OrderCancellation;
import io.seckill.stock.returns.StockReturn;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment-timeout sweep when a provider is configured: before an order that timed out is cancelled, the
 * provider is asked whether it was paid.
 *
 * <p>Each batch runs in three steps, none of which holds a transaction across the provider call:
 * <ol>
 *   <li>claim: one statement leases the due orders in {@code payment_query} (attempts counted durably, so a
 *   restart does not reset them; another instance skips a leased order);</li>
 *   <li>ask: at most SECKILL_PAYMENT_QUERY_CONCURRENCY queries in flight, each bounded by
 *   SECKILL_PAYMENT_QUERY_TIMEOUT_MS; PAID goes through {@link PaymentProcessor} exactly as a callback
 *   with the same paymentId and amount would (dedup, amount check, AMOUNT_MISMATCH recorded);</li>
 *   <li>settle: each result recorded; UNKNOWN with retries left waits out its backoff; every other order
 *   goes to {@link OrderCancellation}, whose conditional update {@code WHERE status = 'PENDING_PAYMENT'}
 *   decides. So an order the query or a racing callback just paid gives nothing back, and a callback that
 *   comes after the cancel finds a CANCELLED order and is answered REFUND_REQUIRED, as before.</li>
 * </ol>
 *
 * <p>Runs on the background jobs' event loop; every step is asynchronous. A provider outage costs this loop
 * at most one query timeout per wave of queries and never delays the stock-return retries, which run on
 * their own timer.
 */
public final class PaymentQuerySweep {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentQuerySweep.class);
  private static final int WAVES_PER_BATCH = 4;
  private static final int MAX_BATCHES_PER_TICK = 10;
  /** Beyond the queries' own bound: time to apply a payment and record the result before the lease lapses. */
  private static final long LEASE_MARGIN_MS = 30_000;

  /** What one query decided for one order. */
  record Decision(String orderId, String result, boolean cancel, long retryInMs) {
  }

  private record Claim(String orderId, int attempts) {
  }

  /** What one batch did: orders claimed (a full batch means more may be due) and orders cancelled. */
  record Settled(int claimed, int cancelled) {
  }

  private final Pool pool;
  private final PaymentProvider provider;
  private final PaymentProcessor processor;
  private final OrderCancellation cancellation;
  private final PaymentQueryConfig config;
  private final MeterRegistry registry;
  private final int batch;
  private final double leaseSeconds;

  public PaymentQuerySweep(Pool pool, PaymentProvider provider, PaymentProcessor processor, OrderCancellation cancellation,
                    PaymentQueryConfig config, MeterRegistry registry) {
    this.pool = pool;
    this.provider = provider;
    this.processor = processor;
    this.cancellation = cancellation;
    this.config = config;
    this.registry = registry;
    this.batch = config.concurrency() * WAVES_PER_BATCH;
    this.leaseSeconds = (config.timeoutMs() * (double) WAVES_PER_BATCH + LEASE_MARGIN_MS) / 1000.0;
  }

  /** Batch after batch while batches come back full (bounded); returns how many orders were cancelled. */
  public Future<Integer> sweepDue() {
    return sweepFrom(0, 0);
  }

  private Future<Integer> sweepFrom(int batches, int cancelledSoFar) {
    return sweepOnce().compose(settled -> settled.claimed() == batch && batches < MAX_BATCHES_PER_TICK
        ? sweepFrom(batches + 1, cancelledSoFar + settled.cancelled())
        : Future.succeededFuture(cancelledSoFar + settled.cancelled()));
  }

  /** One batch: claim, ask, settle. */
  Future<Settled> sweepOnce() {
    // Fail-open: an unreachable DB only delays timeouts to the next tick; a claim left behind lapses with its lease.
    return pool.preparedQuery(PaymentQueries.CLAIM_TIMED_OUT_FOR_QUERY).execute(Tuple.of(batch, leaseSeconds))
        .compose(rows -> {
          List<Claim> claims = new ArrayList<>();
          for (Row row : rows) {
            claims.add(new Claim(row.getString("order_id"), row.getInteger("attempts")));
          }
          if (claims.isEmpty()) {
            return Future.succeededFuture(new Settled(0, 0));
          }
          return askAll(claims).compose(this::settle).map(cancelled -> new Settled(claims.size(), cancelled));
        });
  }

  /** Every claim asked, at most {@code concurrency} at a time; never fails (a failed step is UNKNOWN). */
  private Future<List<Decision>> askAll(List<Claim> claims) {
    Decision[] decisions = new Decision[claims.size()];
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(config.concurrency(), claims.size()); lane++) {
      lanes.add(lane(claims, decisions, next));
    }
    return Future.join(lanes).map(done -> Arrays.asList(decisions));
  }

  private Future<Void> lane(List<Claim> claims, Decision[] decisions, AtomicInteger next) {
    int i = next.getAndIncrement();
    if (i >= claims.size()) {
      return Future.succeededFuture();
    }
    return decide(claims.get(i)).compose(decision -> {
      decisions[i] = decision;
      return lane(claims, decisions, next);
    });
  }

  private Future<Decision> decide(Claim claim) {
    return ask(claim.orderId()).compose(status -> {
      if (status instanceof PaymentStatus.Paid paid) {
        return processor.process(new PaymentCallback(paid.paymentId(), claim.orderId(), paid.amountCents(),
                PaymentCallback.SUCCEEDED))
            // Still "cancel": the conditional update cancels only an order the payment did not make PAID
            // (AMOUNT_MISMATCH leaves it PENDING_PAYMENT, as a callback with that amount would).
            .map(outcome -> new Decision(claim.orderId(), "paid:" + outcome.result(), true, 0))
            .otherwise(failure -> unknown(claim, "applying the payment failed: " + failure.getMessage()));
      }
      if (status instanceof PaymentStatus.Unknown unknown) {
        return Future.succeededFuture(unknown(claim, unknown.reason()));
      }
      return Future.succeededFuture(new Decision(claim.orderId(), "not_paid", true, 0));
    });
  }

  private Decision unknown(Claim claim, String reason) {
    if (claim.attempts() > config.retries()) {
      LOG.warn("order {}: payment still unknown after {} queries ({}); cancelling it at its timeout", claim.orderId(),
          claim.attempts(), reason);
      return new Decision(claim.orderId(), "unknown:retries_exhausted", true, 0);
    }
    return new Decision(claim.orderId(), "unknown", false, config.backoffAfter(claim.attempts()));
  }

  /** The provider's answer, bounded in time and counted; a failure or a timeout is UNKNOWN. */
  private Future<PaymentStatus> ask(String orderId) {
    long started = System.nanoTime();
    Future<PaymentStatus> answer;
    try {
      answer = provider.query(orderId);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
        .otherwise(failure -> new PaymentStatus.Unknown(failure.toString()))
        .onSuccess(status -> {
          SeckillMeter.PAYMENT_QUERIES.counter(registry, status.result()).increment();
          SeckillMeter.PAYMENT_QUERY_DURATION.timer(registry, status.result())
              .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        });
  }

  /** Records every result, then cancels those decided (one short transaction); returns how many were cancelled. */
  private Future<Integer> settle(List<Decision> decisions) {
    List<Tuple> results = decisions.stream()
        .map(d -> Tuple.of(d.orderId(), d.result(), d.retryInMs() / 1000.0)).toList();
    List<String> toCancel = decisions.stream().filter(Decision::cancel).map(Decision::orderId).toList();
    return pool.preparedQuery(PaymentQueries.RECORD_QUERY_RESULT).executeBatch(results)
        .compose(recorded -> toCancel.isEmpty() ? Future.succeededFuture(List.<StockReturn>of())
            : pool.withTransaction(tx -> cancellation.cancelInTransaction(tx, toCancel, StockReturn.TIMEOUT))
                .compose(cancellation::afterCommit))
        .map(List::size);
  }
}
