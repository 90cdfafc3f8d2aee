package io.seckill.stock.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.order.OrderIds;
import io.seckill.stock.OneStockServiceTest;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gateway's SECKILL_CANCEL_TOKEN opens the cancel hand-off and nothing else; the admin token opens everything. */
class AdminScopeTest extends OneStockServiceTest {
  private static final Map<String, String> CANCEL = Map.of("Authorization", "Bearer " + StockHarness.CANCEL_TOKEN,
      "Content-Type", "application/json");

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "GET, /admin/v1/sales",
      "GET, /admin/v1/sales/1",
      "POST, /admin/v1/sales",
      "POST, /admin/v1/sales/1/warmup",
      "POST, /admin/v1/sales/1/reconcile",
      "GET, /admin/v1/orders/x/cancel",
      "POST, /admin/v1/orders/x/cancel/more",
      "POST, /admin/v1/nothing-here"})
  void theCancelTokenIsRefusedWith403OnEveryOtherAdminRouteAndChangesNothing(String method, String path) {
    long sales = harness.number("SELECT count(*) FROM sale");

    HttpResponse<String> response = harness.send(service, path, method, "POST".equals(method) ? sale().encode() : null,
        CANCEL);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(StockHarness.json(response).getString("code")).isEqualTo("FORBIDDEN");
    assertThat(harness.number("SELECT count(*) FROM sale")).isEqualTo(sales);
  }

  @Test
  void theCancelTokenReachesTheCancelHandOff() {
    String unknown = OrderIds.next(1);

    HttpResponse<String> response = harness.send(service, "/admin/v1/orders/" + unknown + "/cancel", "POST",
        new JsonObject().put("userId", "alice").encode(), CANCEL);

    // Past the guard: the cancellation itself answers (the order does not exist).
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertThat(StockHarness.json(response).getString("code")).isEqualTo("ORDER_NOT_FOUND");
  }

  @Test
  void theAdminTokenStillReachesTheCancelHandOffAndEveryOtherRoute() {
    String unknown = OrderIds.next(1);

    HttpResponse<String> cancel = harness.cancel(service, unknown, "alice");
    HttpResponse<String> list = harness.get(service, "/admin/v1/sales");

    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(404);
    assertThat(StockHarness.json(cancel).getString("code")).isEqualTo("ORDER_NOT_FOUND");
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
  }

  @Test
  void aWrongTokenIs401EvenOnTheCancelHandOff() {
    HttpResponse<String> response = harness.send(service, "/admin/v1/orders/" + OrderIds.next(1) + "/cancel", "POST",
        new JsonObject().put("userId", "alice").encode(),
        Map.of("Authorization", "Bearer " + StockHarness.CANCEL_TOKEN + "x", "Content-Type", "application/json"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(StockHarness.json(response).getString("code")).isEqualTo("UNAUTHENTICATED");
  }

  private static JsonObject sale() {
    Instant now = Instant.now();
    return new JsonObject().put("itemName", "Scoped").put("priceCents", 100).put("stock", 5)
        .put("startsAt", now.minusSeconds(60).toString()).put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", 1).put("paymentTimeoutSeconds", 900).put("requirePurchaseToken", false);
  }
}
