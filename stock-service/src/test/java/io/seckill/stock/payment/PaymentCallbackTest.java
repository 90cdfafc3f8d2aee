package io.seckill.stock.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.RedisKeys;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentCallbackTest {
  private static final long PRICE = 2_500;
  private StockHarness harness;
  private StockService service;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @BeforeAll
  void start() {
    harness = new StockHarness();
    service = harness.start(Map.of("SECKILL_SWEEP_INTERVAL_MS", "100"));
  }

  @AfterAll
  void stop() {
    pool.shutdownNow();
    harness.close();
  }

  private static JsonObject payment(String paymentId, String orderId, long amount, String outcome) {
    return new JsonObject().put("paymentId", paymentId).put("orderId", orderId).put("amountCents", amount)
        .put("outcome", outcome);
  }

  private long events(String orderId) {
    return harness.number("SELECT count(*) FROM payment_event WHERE order_id = '" + orderId + "'");
  }

  @Test
  void concurrentDuplicateDeliveriesTransitionOnceAndEachAnswers200WithTheCurrentStatus() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 600);
    String orderId = harness.order(saleId, "ann", 2, 0);
    JsonObject body = payment("pay-dup-" + orderId, orderId, 2 * PRICE, "SUCCEEDED");

    List<CompletableFuture<HttpResponse<String>>> deliveries = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      deliveries.add(CompletableFuture.supplyAsync(() -> harness.callback(service, body), pool));
    }
    List<HttpResponse<String>> answers = deliveries.stream().map(CompletableFuture::join).toList();

    assertThat(answers).allSatisfy(a -> {
      assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
      assertThat(StockHarness.json(a).getString("orderStatus")).isEqualTo("PAID");
    });
    assertThat(answers.stream().filter(a -> "paid".equals(StockHarness.json(a).getString("result")))).hasSize(1);
    assertThat(harness.status(orderId)).isEqualTo("PAID");
    assertThat(events(orderId)).isEqualTo(1);
    assertThat(harness.jedis.hget(RedisKeys.order(orderId), "status")).isEqualTo("PAID");
    assertThat(harness.metric(service, "seckill_payment_callbacks_total", java.util.Set.of("result=\"duplicate\"")))
        .isGreaterThanOrEqualTo(7.0);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void outOfOrderDeliveriesEndPaidAfterExactlyOneTransitionAndAFailedPaymentNeverUndoesIt() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 600);
    String orderId = harness.order(saleId, "bob", 1, 0);

    HttpResponse<String> failed = harness.callback(service, payment("pay-a-" + orderId, orderId, PRICE, "FAILED"));
    HttpResponse<String> succeeded = harness.callback(service, payment("pay-b-" + orderId, orderId, PRICE, "SUCCEEDED"));
    HttpResponse<String> lateFailed = harness.callback(service, payment("pay-c-" + orderId, orderId, PRICE, "FAILED"));
    HttpResponse<String> replayedFirst = harness.callback(service, payment("pay-a-" + orderId, orderId, PRICE, "FAILED"));

    assertThat(StockHarness.json(failed).getString("orderStatus")).isEqualTo("PENDING_PAYMENT");
    assertThat(StockHarness.json(succeeded).getString("orderStatus")).isEqualTo("PAID");
    assertThat(StockHarness.json(lateFailed).getString("orderStatus")).isEqualTo("PAID");
    assertThat(replayedFirst.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(replayedFirst).getString("result")).isEqualTo("duplicate");
    assertThat(StockHarness.json(replayedFirst).getString("orderStatus")).isEqualTo("PAID");
    assertThat(harness.text("SELECT payment_id FROM orders WHERE order_id = '" + orderId + "'")).isEqualTo("pay-b-" + orderId);
    assertThat(events(orderId)).isEqualTo(3);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aForgedOrMissingSignatureIs401AndRecordsNothing() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 600);
    String orderId = harness.order(saleId, "cat", 1, 0);
    String body = payment("pay-forged-" + orderId, orderId, PRICE, "SUCCEEDED").encode();

    HttpResponse<String> forged = harness.send(service, "/api/v1/payments/callback", "POST", body,
        Map.of("X-Signature", io.seckill.common.auth.Signatures.hmacHex("not-the-secret-not-the-secret-123456",
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    HttpResponse<String> missing = harness.send(service, "/api/v1/payments/callback", "POST", body, Map.of());
    HttpResponse<String> tampered = harness.send(service, "/api/v1/payments/callback", "POST", body.replace("pay-", "pax-"),
        Map.of("X-Signature", io.seckill.common.auth.Signatures.hmacHex(StockHarness.PAYMENT_SECRET,
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));

    assertThat(List.of(forged, missing, tampered)).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(StockHarness.json(r).getString("code")).isEqualTo("INVALID_SIGNATURE");
    });
    assertThat(events(orderId)).isZero();
    assertThat(harness.number("SELECT count(*) FROM payment_event WHERE payment_id LIKE 'pa%-forged-%'")).isZero();
    assertThat(harness.status(orderId)).isEqualTo("PENDING_PAYMENT");
  }

  @Test
  void aWrongAmountIs422RecordedAsAmountMismatchAndLeavesTheOrderPending() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 600);
    String orderId = harness.order(saleId, "dan", 2, 0);

    HttpResponse<String> wrong = harness.callback(service, payment("pay-wrong-" + orderId, orderId, PRICE, "SUCCEEDED"));

    assertThat(wrong.statusCode()).isEqualTo(422);
    assertThat(StockHarness.json(wrong).getString("code")).isEqualTo("AMOUNT_MISMATCH");
    assertThat(harness.text("SELECT outcome FROM payment_event WHERE payment_id = 'pay-wrong-" + orderId + "'"))
        .isEqualTo("AMOUNT_MISMATCH");
    assertThat(harness.status(orderId)).isEqualTo("PENDING_PAYMENT");
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aPaymentArrivingAfterThePaymentTimeoutIsRefundRequiredAndNeverTakesStockAgain() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 10);
    String orderId = harness.order(saleId, "eve", 2, 60);
    await().atMost(Duration.ofSeconds(20)).until(() -> "CANCELLED".equals(harness.status(orderId))
        && harness.redisStock(saleId) == 10);
    long remainingBefore = harness.remaining(saleId);

    HttpResponse<String> late = harness.callback(service, payment("pay-late-" + orderId, orderId, 2 * PRICE, "SUCCEEDED"));

    assertThat(late.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(late).getString("orderStatus")).isEqualTo("CANCELLED");
    assertThat(StockHarness.json(late).getBoolean("refundRequired")).isTrue();
    assertThat(harness.text("SELECT outcome FROM payment_event WHERE payment_id = 'pay-late-" + orderId + "'"))
        .isEqualTo("REFUND_REQUIRED");
    assertThat(harness.remaining(saleId)).isEqualTo(remainingBefore).isEqualTo(10);
    assertThat(harness.redisStock(saleId)).isEqualTo(10);
    assertThat(harness.number("SELECT count(*) FROM stock_return WHERE order_id = '" + orderId + "'")).isEqualTo(1);

    // The provider's retry of the same payment is a duplicate and still says the money goes back.
    HttpResponse<String> retried = harness.callback(service, payment("pay-late-" + orderId, orderId, 2 * PRICE, "SUCCEEDED"));
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(retried).getString("result")).isEqualTo("duplicate");
    assertThat(StockHarness.json(retried).getBoolean("refundRequired")).isTrue();
    assertThat(harness.remaining(saleId)).isEqualTo(10);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aCancelRacingAPaymentEndsInExactlyOneOfPaidOrCancelledAndReturnsStockAtMostOnce() {
    int rounds = 30;
    long saleId = harness.openSale(service, rounds, PRICE, 1, 600);
    List<String> orders = new ArrayList<>();
    int cancelled = 0;
    for (int i = 0; i < rounds; i++) {
      String user = "racer" + i;
      String orderId = harness.order(saleId, user, 1, 0);
      orders.add(orderId);
      CompletableFuture<HttpResponse<String>> cancel = CompletableFuture.supplyAsync(
          () -> harness.cancel(service, orderId, user), pool);
      CompletableFuture<HttpResponse<String>> pay = CompletableFuture.supplyAsync(
          () -> harness.callback(service, payment("pay-race-" + orderId, orderId, PRICE, "SUCCEEDED")), pool);
      int cancelStatus = cancel.join().statusCode();
      JsonObject paid = StockHarness.json(pay.join());
      String status = harness.status(orderId);

      assertThat(status).isIn("PAID", "CANCELLED");
      if ("CANCELLED".equals(status)) {
        cancelled++;
        assertThat(cancelStatus).isEqualTo(200);
        assertThat(paid.getBoolean("refundRequired")).isTrue();
      } else {
        assertThat(cancelStatus).isEqualTo(409);
        assertThat(paid.getString("result")).isEqualTo("paid");
      }
    }
    int expectedCancelled = cancelled;

    assertThat(harness.number("SELECT count(*) FROM stock_return WHERE sale_id = " + saleId)).isEqualTo(expectedCancelled);
    assertThat(harness.remaining(saleId)).isEqualTo(expectedCancelled);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(harness.redisStock(saleId)).isEqualTo(expectedCancelled));
    harness.assertInvariants(saleId, orders);
  }

  @Test
  void aShopperCancelOfSomeoneElsesOrderIs404AndOfAPaidOrderIs409() {
    long saleId = harness.openSale(service, 10, PRICE, 2, 600);
    String orderId = harness.order(saleId, "fay", 1, 0);

    HttpResponse<String> stranger = harness.cancel(service, orderId, "mallory");
    harness.callback(service, payment("pay-fay-" + orderId, orderId, PRICE, "SUCCEEDED"));
    HttpResponse<String> afterPaid = harness.cancel(service, orderId, "fay");

    assertThat(stranger.statusCode()).isEqualTo(404);
    assertThat(StockHarness.json(stranger).getString("code")).isEqualTo("ORDER_NOT_FOUND");
    assertThat(afterPaid.statusCode()).isEqualTo(409);
    assertThat(StockHarness.json(afterPaid).getString("code")).isEqualTo("ORDER_NOT_CANCELLABLE");
    assertThat(harness.remaining(saleId)).isEqualTo(9);
    harness.assertInvariants(saleId, List.of(orderId));
  }
}
