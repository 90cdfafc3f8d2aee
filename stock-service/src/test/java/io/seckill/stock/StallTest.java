package io.seckill.stock;

import io.seckill.infra.FaultProxy;
import io.seckill.infra.StoppableRedis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.order.OrderIds;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 "Stalls": while PostgreSQL or Redis stops answering (no error, no refusal: a black-holed connection,
 * a SIGSTOPped process), every request still gets an answer within the request deadline, and the service works
 * again once the dependency resumes. PostgreSQL is stalled through a {@link FaultProxy}, Redis by SIGSTOP.
 */
class StallTest {
  private static final int REQUEST_TIMEOUT_MS = 2000;
  /** Generous: a 2-core machine shared with other builds. */
  private static final Duration BOUND = Duration.ofMillis(REQUEST_TIMEOUT_MS + 1500);
  private static final long PRICE = 1_000;
  private static final int READ_TIMEOUT_MS = 1000;

  private static StockHarness harness;
  private static FaultProxy postgres;
  private static StoppableRedis redis;
  private static StockService service;

  @BeforeAll
  static void start() throws Exception {
    harness = new StockHarness();
    postgres = FaultProxy.inFrontOf("postgres", harness.pgUrl);
    String proxied = postgres.route(harness.pgUrl);
    redis = new StoppableRedis();
    service = harness.start(Map.of("SECKILL_PG_URL", proxied, "SECKILL_REDIS_URL", redis.url(),
        "SECKILL_REQUEST_TIMEOUT_MS", Integer.toString(REQUEST_TIMEOUT_MS), "SECKILL_REDIS_TIMEOUT_MS", "500",
        "SECKILL_SWEEP_INTERVAL_MS", "600000", "SECKILL_HTTP_READ_TIMEOUT_MS", Integer.toString(READ_TIMEOUT_MS)));
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.pass();
    redis.resume();
    harness.close();
    postgres.close();
    redis.close();
  }

  private static JsonObject payment(String orderId) {
    return new JsonObject().put("paymentId", "pay-" + orderId).put("orderId", orderId).put("amountCents", PRICE)
        .put("outcome", "SUCCEEDED");
  }

  /** A PENDING_PAYMENT order row, as the consumer writes it (stock-service's Redis is not needed to pay it). */
  private static String pendingOrder(long saleId, String userId) {
    String orderId = OrderIds.next(saleId);
    harness.insertOrder(saleId, orderId, userId, 1, 0);
    return orderId;
  }

  private static HttpResponse<String> timed(Supplier<HttpResponse<String>> call) {
    long start = System.nanoTime();
    HttpResponse<String> response = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("answered after %s: %s", took, response.body()).isLessThan(BOUND);
    return response;
  }

  @Test
  void whilePostgresStallsPaymentCallbacksAnswerOutcomeUnknownAndAdminCallsUnavailableThenBothWorkAgain() {
    long saleId = harness.openSale(service, 10, PRICE, 1, 600);
    String orderId = pendingOrder(saleId, "stall-pg");

    postgres.blackHole();
    HttpResponse<String> callback = timed(() -> harness.callback(service, payment(orderId)));
    HttpResponse<String> admin = timed(() -> harness.get(service, "/admin/v1/sales/" + saleId));
    HttpResponse<String> cancel = timed(() -> harness.cancel(service, orderId, "stall-pg"));
    postgres.pass();

    assertThat(callback.statusCode()).as(callback.body()).isEqualTo(504);
    assertThat(StockHarness.json(callback).getString("code")).isEqualTo("OUTCOME_UNKNOWN");
    assertThat(callback.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(admin.statusCode()).as(admin.body()).isEqualTo(503);
    assertThat(StockHarness.json(admin).getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(admin.headers().firstValue("Retry-After")).isPresent();
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(504);
    assertThat(StockHarness.json(cancel).getString("code")).isEqualTo("OUTCOME_UNKNOWN");

    // The provider's redelivery, once PostgreSQL answers again, settles the payment.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      HttpResponse<String> again = harness.callback(service, payment(orderId));
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    });
    assertThat(harness.status(orderId)).isEqualTo("PAID");
    assertThat(harness.get(service, "/admin/v1/sales/" + saleId).statusCode()).isEqualTo(200);
  }

  @Test
  void whileRedisStallsAPaymentCallbackIsStillRecordedAndAnsweredInTime() {
    long saleId = harness.openSale(service, 10, PRICE, 1, 600);
    String orderId = pendingOrder(saleId, "stall-redis");

    redis.stop();
    HttpResponse<String> callback;
    try {
      callback = timed(() -> harness.callback(service, payment(orderId)));
    } finally {
      redis.resume();
    }

    // cachePaid is fail-open: PostgreSQL is the record, the Redis status only lags.
    assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
    assertThat(StockHarness.json(callback).getString("orderStatus")).isEqualTo("PAID");
    assertThat(harness.status(orderId)).isEqualTo("PAID");
  }

  @Test
  void aClientThatSendsPartOfARequestHeadAndThenNothingIsDisconnectedWithinTheReadTimeout() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", service.httpPort())) {
      socket.getOutputStream().write("POST /api/v1/payments/callback HTTP/1.1\r\nHost: x\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.setSoTimeout(READ_TIMEOUT_MS + 5000);
      long start = System.nanoTime();
      assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(READ_TIMEOUT_MS + 1500));
    }
  }
}
