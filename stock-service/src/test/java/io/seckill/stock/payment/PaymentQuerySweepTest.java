package io.seckill.stock.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The payment-timeout sweep with SECKILL_PAYMENT_PROVIDER=http, against a fake provider told how to answer each
 * order. Every order is told its answer first and only then aged past its sale's payment timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentQuerySweepTest {
  private static final long PRICE = 2_500;
  private static final int RETRIES = 2;
  private static final int QUERY_TIMEOUT_MS = 5_000;
  private StockHarness harness;
  private FakePaymentProvider provider;
  private StockService service;

  @BeforeAll
  void start() {
    harness = new StockHarness();
    provider = new FakePaymentProvider();
    Map<String, String> env = new HashMap<>(provider.env());
    env.put("SECKILL_SWEEP_INTERVAL_MS", "50");
    env.put("SECKILL_PAYMENT_QUERY_RETRIES", Integer.toString(RETRIES));
    env.put("SECKILL_PAYMENT_QUERY_BACKOFF_MS", "100");
    env.put("SECKILL_PAYMENT_QUERY_TIMEOUT_MS", Integer.toString(QUERY_TIMEOUT_MS));
    service = harness.start(env);
  }

  @AfterAll
  void stop() {
    harness.close();
    provider.close();
  }

  /** An order that is 60 s old on a sale whose payment timeout is 10 s: due at the next sweep. */
  private void timeOut(String orderId) {
    harness.sql("UPDATE orders SET created_at = now() - interval '1 minute' WHERE order_id = '" + orderId + "'");
  }

  private long returns(String orderId) {
    return harness.number("SELECT count(*) FROM stock_return WHERE order_id = '" + orderId + "'");
  }

  private String lastResult(String orderId) {
    return harness.text("SELECT last_result FROM payment_query WHERE order_id = '" + orderId + "'");
  }

  private double queries(String result) {
    Double value = harness.metric(service, "seckill_payment_queries_total", Set.of("result=\"" + result + "\""));
    return value == null ? 0 : value;
  }

  @Test
  void anOrderThePaymentProviderSaysIsPaidBecomesPaidAndKeepsItsStock() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 10);
    String orderId = harness.order(saleId, "paid-at-provider", 2, 0);
    double paidBefore = queries("paid");
    provider.answer(orderId, new FakePaymentProvider.Paid(2 * PRICE, "pq-paid-" + orderId));
    timeOut(orderId);

    await().atMost(Duration.ofSeconds(30)).until(() -> "PAID".equals(harness.status(orderId)));

    assertThat(harness.text("SELECT payment_id FROM orders WHERE order_id = '" + orderId + "'"))
        .isEqualTo("pq-paid-" + orderId);
    assertThat(harness.text("SELECT outcome FROM payment_event WHERE order_id = '" + orderId + "'")).isEqualTo("SUCCEEDED");
    await().atMost(Duration.ofSeconds(10)).until(() -> "paid:paid".equals(lastResult(orderId)));
    assertThat(returns(orderId)).isZero();
    assertThat(harness.remaining(saleId)).isEqualTo(8);
    assertThat(harness.redisStock(saleId)).isEqualTo(8);
    assertThat(harness.jedis.hget(RedisKeys.order(orderId), "status")).isEqualTo("PAID");
    assertThat(provider.queries(orderId)).isEqualTo(1);
    assertThat(queries("paid")).isGreaterThan(paidBefore);
    assertThat(harness.metric(service, "seckill_payment_query_duration_seconds_count", Set.of("result=\"paid\"")))
        .isPositive();
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void anOrderThePaymentProviderSaysIsNotPaidIsCancelledAndItsStockReturnedOnce() {
    long saleId = harness.openSale(service, 10, PRICE, 3, 10);
    String orderId = harness.order(saleId, "not-paid-at-provider", 3, 0);
    double notPaidBefore = queries("not_paid");
    provider.answer(orderId, new FakePaymentProvider.NotPaid());
    timeOut(orderId);

    await().atMost(Duration.ofSeconds(30)).until(() -> harness.number(
        "SELECT count(*) FROM stock_return WHERE applied_to_redis AND order_id = '" + orderId + "'") == 1);

    assertThat(harness.status(orderId)).isEqualTo("CANCELLED");
    assertThat(harness.text("SELECT reason FROM orders WHERE order_id = '" + orderId + "'")).isEqualTo("TIMEOUT");
    assertThat(lastResult(orderId)).isEqualTo("not_paid");
    assertThat(harness.remaining(saleId)).isEqualTo(10);
    assertThat(harness.redisStock(saleId)).isEqualTo(10);
    assertThat(harness.jedis.scard(Bucket.root(saleId).returned())).isEqualTo(1);
    assertThat(provider.queries(orderId)).isEqualTo(1);
    assertThat(queries("not_paid")).isGreaterThan(notPaidBefore);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void anUnknownAnswerDefersTheCancelUntilTheRetriesRunOutThenCancelsOnce() {
    long saleId = harness.openSale(service, 10, PRICE, 1, 10);
    String orderId = harness.order(saleId, "provider-failing", 1, 0);
    provider.answer(orderId, new FakePaymentProvider.ServerError());
    timeOut(orderId);

    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(harness.status(orderId)));

    // Each query is claimed only while the order is PENDING_PAYMENT: three queries mean the first two
    // UNKNOWN answers left it pending; none follows the cancel.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> provider.queries(orderId) == 1 + RETRIES);
    assertThat(harness.number("SELECT attempts FROM payment_query WHERE order_id = '" + orderId + "'")).isEqualTo(1 + RETRIES);
    assertThat(lastResult(orderId)).isEqualTo("unknown:retries_exhausted");
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.number(
        "SELECT count(*) FROM stock_return WHERE applied_to_redis AND order_id = '" + orderId + "'") == 1);
    assertThat(harness.remaining(saleId)).isEqualTo(10);
    assertThat(harness.redisStock(saleId)).isEqualTo(10);
    assertThat(queries("unknown")).isGreaterThanOrEqualTo(1 + RETRIES);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void theRetryBudgetIsKeptInTheDatabaseSoARestartDoesNotResetIt() {
    long saleId = harness.openSale(service, 10, PRICE, 1, 10);
    String orderId = harness.order(saleId, "queried-before-restart", 1, 0);
    provider.answer(orderId, new FakePaymentProvider.ServerError());
    // What an instance that crashed after its first queries left behind: their count, its backoff over.
    harness.sql("INSERT INTO payment_query (order_id, attempts, next_attempt_at, last_result) VALUES ('" + orderId
        + "', " + RETRIES + ", now() - interval '1 second', 'unknown')");
    timeOut(orderId);

    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(harness.status(orderId)));

    assertThat(provider.queries(orderId)).as("only the last query of the budget was left").isEqualTo(1);
    assertThat(harness.number("SELECT attempts FROM payment_query WHERE order_id = '" + orderId + "'")).isEqualTo(1 + RETRIES);
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.remaining(saleId) == 10 && harness.redisStock(saleId) == 10);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aPaidAnswerWithTheWrongAmountIsRecordedAsAnAmountMismatchAndTheOrderTimesOutAsAfterSuchACallback() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 10);
    String orderId = harness.order(saleId, "underpaid", 2, 0);
    provider.answer(orderId, new FakePaymentProvider.Paid(PRICE, "pq-short-" + orderId));
    timeOut(orderId);

    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(harness.status(orderId)));

    assertThat(harness.text("SELECT outcome || ':' || amount_cents FROM payment_event WHERE payment_id = 'pq-short-"
        + orderId + "'")).isEqualTo("AMOUNT_MISMATCH:" + PRICE);
    assertThat(lastResult(orderId)).isEqualTo("paid:amount_mismatch");
    assertThat(harness.text("SELECT payment_id FROM orders WHERE order_id = '" + orderId + "'")).isNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.redisStock(saleId) == 10);
    assertThat(harness.remaining(saleId)).isEqualTo(10);
    assertThat(returns(orderId)).isEqualTo(1);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aCallbackArrivingWhileTheQueryIsInFlightIsAppliedExactlyOnceAndTheLateAnswerCancelsNothing() {
    long saleId = harness.openSale(service, 10, PRICE, 1, 10);
    String staleNo = harness.order(saleId, "race-not-paid", 1, 0);
    String sameYes = harness.order(saleId, "race-paid", 1, 0);
    Promise<Void> release = Promise.promise();
    // One query will answer NOT_PAID (stale by then), the other PAID with the very payment the callback carries.
    provider.answer(staleNo, new FakePaymentProvider.Held(release.future(), new FakePaymentProvider.NotPaid()));
    provider.answer(sameYes, new FakePaymentProvider.Held(release.future(),
        new FakePaymentProvider.Paid(PRICE, "pay-race-" + sameYes)));
    timeOut(staleNo);
    timeOut(sameYes);
    await().atMost(Duration.ofSeconds(30)).until(() -> provider.queries(staleNo) == 1 && provider.queries(sameYes) == 1);

    HttpResponse<String> first = harness.callback(service, payment("pay-race-" + staleNo, staleNo));
    HttpResponse<String> second = harness.callback(service, payment("pay-race-" + sameYes, sameYes));
    release.complete();

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(StockHarness.json(first).getString("result")).isEqualTo("paid");
    assertThat(StockHarness.json(second).getString("result")).isEqualTo("paid");
    await().atMost(Duration.ofSeconds(30)).until(() -> lastResult(staleNo) != null && lastResult(sameYes) != null);
    assertThat(lastResult(staleNo)).isEqualTo("not_paid");
    assertThat(lastResult(sameYes)).as("the query's payment is the callback's: a duplicate").isEqualTo("paid:duplicate");
    assertThat(harness.status(staleNo)).isEqualTo("PAID");
    assertThat(harness.status(sameYes)).isEqualTo("PAID");
    assertThat(harness.number("SELECT count(*) FROM payment_event WHERE order_id IN ('" + staleNo + "', '" + sameYes
        + "')")).isEqualTo(2);
    assertThat(returns(staleNo) + returns(sameYes)).isZero();
    assertThat(harness.remaining(saleId)).isEqualTo(8);
    assertThat(harness.redisStock(saleId)).isEqualTo(8);
    harness.assertInvariants(saleId, List.of(staleNo, sameYes));
  }

  @Test
  void aProviderThatNeverAnswersHoldsBackNeitherTheStockReturnRetriesNorTheQueryLoopForLong() {
    long saleId = harness.openSale(service, 10, PRICE, 3, 10);
    String hanging = harness.order(saleId, "provider-silent", 1, 0);
    String crashed = harness.order(saleId, "return-left-behind", 3, 0);
    provider.answer(hanging, new FakePaymentProvider.Silent());
    timeOut(hanging);
    await().atMost(Duration.ofSeconds(30)).until(() -> provider.queries(hanging) == 1);
    long askedAt = System.nanoTime();
    // What a crash right after a cancel transaction leaves behind: only the retry loop can apply it.
    harness.sql("BEGIN; UPDATE orders SET status = 'CANCELLED', reason = 'SHOPPER_CANCEL' WHERE order_id = '" + crashed
        + "'; UPDATE sale SET remaining = remaining + 3 WHERE sale_id = " + saleId + "; INSERT INTO stock_return"
        + " (order_id, sale_id, quantity, cause) VALUES ('" + crashed + "', " + saleId + ", 3, 'SHOPPER_CANCEL'); COMMIT;");

    await().atMost(Duration.ofSeconds(QUERY_TIMEOUT_MS / 1000 - 1)).until(() -> harness.number(
        "SELECT count(*) FROM stock_return WHERE applied_to_redis AND order_id = '" + crashed + "'") == 1);

    assertThat((System.nanoTime() - askedAt) / 1_000_000).as("applied while the query still hung").isLessThan(QUERY_TIMEOUT_MS);
    assertThat(harness.status(hanging)).isEqualTo("PENDING_PAYMENT");
    assertThat(harness.redisStock(saleId)).isEqualTo(9);
    // The hung query ends at its timeout as UNKNOWN and the order waits for its next query.
    await().atMost(Duration.ofSeconds(30)).until(() -> "unknown".equals(lastResult(hanging)) || provider.queries(hanging) > 1);
    harness.assertInvariants(saleId, List.of(hanging, crashed));
  }

  private static JsonObject payment(String paymentId, String orderId) {
    return new JsonObject().put("paymentId", paymentId).put("orderId", orderId).put("amountCents", PRICE)
        .put("outcome", "SUCCEEDED");
  }
}
