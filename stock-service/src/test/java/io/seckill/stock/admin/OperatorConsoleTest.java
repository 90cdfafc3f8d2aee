package io.seckill.stock.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.stock.OneStockServiceTest;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's files load without the operator token and under a strict CSP; its data never does. */
class OperatorConsoleTest extends OneStockServiceTest {
  private static final long PRICE = 1_000;

  private HttpResponse<String> anonymous(String path) {
    return harness.send(service, path, "GET", null, Map.of());
  }

  @Test
  void thePageAndItsAssetsLoadWithoutATokenUnderAStrictContentSecurityPolicy() {
    HttpResponse<String> page = anonymous("/admin/");
    HttpResponse<String> script = anonymous("/admin/console/console.js");
    HttpResponse<String> style = anonymous("/admin/console/console.css");

    for (HttpResponse<String> file : new HttpResponse[] {page, script, style}) {
      assertThat(file.statusCode()).as(file.uri().toString()).isEqualTo(200);
      String csp = file.headers().firstValue("Content-Security-Policy").orElse("");
      assertThat(csp).contains("default-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
      assertThat(file.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("src=\"/admin/console/console.js\"")
        .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
        .doesNotContain("style=").doesNotContain("http://").doesNotContain("https://");
    assertThat(script.body()).contains("sessionStorage").doesNotContain("localStorage").doesNotContain("document.cookie");
  }

  @Test
  void theAdminApiStillNeedsTheTokenAndAnUnknownConsoleFileIsA404NotAGuessingGame() {
    HttpResponse<String> sales = anonymous("/admin/v1/sales");
    HttpResponse<String> missing = anonymous("/admin/console/nothing-here.js");
    HttpResponse<String> bare = anonymous("/admin");

    assertThat(sales.statusCode()).isEqualTo(401);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(StockHarness.json(missing).getString("code")).isEqualTo("NOT_FOUND");
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location")).contains("/admin/");
  }

  @Test
  void aSaleViewCountsOrdersPerStatusAndPaymentsPerOutcomeForTheConsole() {
    long saleId = harness.openSale(service, 10, PRICE, 3, 600);
    String paid = harness.order(saleId, "ann", 2, 0);
    harness.order(saleId, "bob", 1, 0);
    harness.order(saleId, "cat", 3, 0);
    assertThat(harness.callback(service, new JsonObject().put("paymentId", "pay-console-" + paid).put("orderId", paid)
        .put("amountCents", 2 * PRICE).put("outcome", "SUCCEEDED")).statusCode()).isEqualTo(200);

    JsonObject db = StockHarness.json(harness.get(service, "/admin/v1/sales/" + saleId)).getJsonObject("db");

    assertThat(db.getLong("paid")).as("units paid").isEqualTo(2);
    assertThat(db.getLong("pendingPayment")).as("units pending").isEqualTo(4);
    assertThat(db.getJsonObject("orders").getMap()).containsEntry("paid", 1).containsEntry("pendingPayment", 2)
        .containsEntry("cancelled", 0).containsEntry("failed", 0);
    assertThat(db.getJsonObject("payments").getJsonObject("SUCCEEDED").getMap())
        .containsEntry("count", 1).containsEntry("amountCents", (int) (2 * PRICE));
  }
}
