package io.seckill.stock.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.stock.OneStockServiceTest;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SECKILL_PAYMENT_PROVIDER=simulator, the dev stack's: it answers from the payments recorded in PostgreSQL. */
class SimulatedPaymentProviderTest extends OneStockServiceTest {
  private static final long PRICE = 1_000;
  @Override
  protected Map<String, String> overrides() {
    return Map.of("SECKILL_SWEEP_INTERVAL_MS", "50", "SECKILL_PAYMENT_PROVIDER", "simulator");
  }

  private String lastResult(String orderId) {
    return harness.text("SELECT last_result FROM payment_query WHERE order_id = '" + orderId + "'");
  }

  @Test
  void anOrderTheSimulatorNeverPaidIsCancelledAtItsTimeoutWithItsStockReturnedOnce() {
    long saleId = harness.openSale(service, 5, PRICE, 2, 10);
    String orderId = harness.order(saleId, "never-paid", 2, 60);

    await().atMost(Duration.ofSeconds(30)).until(() -> harness.number(
        "SELECT count(*) FROM stock_return WHERE applied_to_redis AND order_id = '" + orderId + "'") == 1);

    assertThat(harness.status(orderId)).isEqualTo("CANCELLED");
    assertThat(lastResult(orderId)).isEqualTo("not_paid");
    assertThat(harness.remaining(saleId)).isEqualTo(5);
    assertThat(harness.redisStock(saleId)).isEqualTo(5);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void aRecordedPaymentIsAnsweredPaidAndReappliedAsTheDuplicateItIs() {
    long saleId = harness.openSale(service, 5, PRICE, 2, 600);
    String orderId = harness.order(saleId, "underpaid-in-dev", 2, 0);
    HttpResponse<String> underpaid = harness.callback(service, new JsonObject().put("paymentId", "devpay-short")
        .put("orderId", orderId).put("amountCents", PRICE).put("outcome", "SUCCEEDED"));
    assertThat(underpaid.statusCode()).as(underpaid.body()).isEqualTo(422);
    harness.sql("UPDATE orders SET created_at = now() - interval '1 hour' WHERE order_id = '" + orderId + "'");

    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(harness.status(orderId)));

    await().atMost(Duration.ofSeconds(10)).until(() -> "paid:duplicate".equals(lastResult(orderId)));
    assertThat(harness.number("SELECT count(*) FROM payment_event WHERE order_id = '" + orderId + "'")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.redisStock(saleId) == 5);
    assertThat(harness.remaining(saleId)).isEqualTo(5);
    harness.assertInvariants(saleId, List.of(orderId));
  }
}
