package io.seckill.gateway.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.auth.Signatures;
import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevRoutesTest {

  @Test
  void devModeIsOffByDefaultSoDevRoutesAre404WhileTheShopperPageIsServedWithItsCsp() throws Exception {
    try (DevGateway gw = new DevGateway(Map.of())) {
      assertThat(gw.get("/dev/v1/status").statusCode()).isEqualTo(404);
      assertThat(gw.post("/dev/v1/token", null, "{\"userName\":\"alice\"}").statusCode()).isEqualTo(404);
      long saleId = gw.seedOpenSale(1999);
      String orderId = gw.seedOrder(saleId, "alice", 1, "PENDING_PAYMENT");
      HttpResponse<String> pay = gw.post("/dev/v1/orders/" + orderId + "/pay", "alice", null);
      assertThat(pay.statusCode()).isEqualTo(404);
      assertThat(pay.body()).contains("\"code\":\"NOT_FOUND\"");

      HttpResponse<String> page = gw.get("/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
      assertThat(page.headers().firstValue("Content-Security-Policy")).contains(ShopperPage.CONTENT_SECURITY_POLICY);
      assertThat(page.headers().firstValue("Cache-Control")).contains("no-cache");
      assertThat(page.body()).contains("<script src=\"/shop/app.js\"").doesNotContain("http://").doesNotContain("https://");
      HttpResponse<String> script = gw.get("/shop/app.js");
      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("javascript"));
      assertThat(gw.get("/shop/style.css").statusCode()).isEqualTo(200);
      assertThat(gw.get("/shop/missing.js").statusCode()).isEqualTo(404);
      assertThat(gw.get("/shop/").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void devModeNeedsThePaymentSecretAndDefaultsTheCallbackToStockService() {
    Map<String, String> env = Map.of("SECKILL_DEV_MODE", "true");
    assertThatThrownBy(() -> DevModeConfig.from(Env.of(env), "http://127.0.0.1:8081"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_PAYMENT_SECRET");
    DevModeConfig on = DevModeConfig.from(Env.of(Map.of("SECKILL_DEV_MODE", "true",
        "SECKILL_PAYMENT_SECRET", DevGateway.PAYMENT_SECRET)), "http://stock:8081");
    assertThat(on.enabled()).isTrue();
    assertThat(on.paymentCallbackUrl()).isEqualTo("http://stock:8081/api/v1/payments/callback");
    assertThat(on.toString()).doesNotContain(DevGateway.PAYMENT_SECRET);
    assertThat(DevModeConfig.from(Env.of(Map.of()), "http://stock:8081")).isEqualTo(DevModeConfig.OFF);
    assertThatThrownBy(() -> DevModeConfig.from(Env.of(Map.of("SECKILL_DEV_MODE", "true",
        "SECKILL_PAYMENT_SECRET", DevGateway.PAYMENT_SECRET, "SECKILL_PAYMENT_CALLBACK_URL", "ftp://x")), "http://s:1"))
        .hasMessageContaining("SECKILL_PAYMENT_CALLBACK_URL");
  }

  @Test
  void devTokenIsAShopperJwtForTheChosenNameAndOddNamesAreRefused() throws Exception {
    try (FakePaymentCallback callback = new FakePaymentCallback();
         DevGateway gw = devGateway(callback)) {
      assertThat(gw.get("/dev/v1/status").body()).isEqualTo("{\"devMode\":true}");
      HttpResponse<String> minted = gw.post("/dev/v1/token", null, "{\"userName\":\"alice.b@shop-1_x\"}");
      assertThat(minted.statusCode()).isEqualTo(200);
      String token = new JsonObject(minted.body()).getString("token");
      assertThat(new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
          java.nio.charset.StandardCharsets.UTF_8)).getString("sub")).isEqualTo("alice.b@shop-1_x");

      for (String bad : new String[] {"{\"userName\":\"bad name\"}", "{\"userName\":\"\"}", "{\"userName\":\"" + "a".repeat(65) + "\"}",
          "{\"userName\":42}", "{}", "not json"}) {
        HttpResponse<String> refused = gw.post("/dev/v1/token", null, bad);
        assertThat(refused.statusCode()).as(bad).isEqualTo(400);
        assertThat(refused.body()).as(bad).contains("INVALID_REQUEST");
      }
    }
  }

  @Test
  void payPostsASignedSucceededCallbackForQuantityTimesPriceAndAnswersWithTheCallbacksReply() throws Exception {
    try (FakePaymentCallback callback = new FakePaymentCallback();
         DevGateway gw = devGateway(callback)) {
      long saleId = gw.seedOpenSale(1999);
      String orderId = gw.seedOrder(saleId, "alice", 2, "PENDING_PAYMENT");

      HttpResponse<String> paid = gw.post("/dev/v1/orders/" + orderId + "/pay", "alice", null);

      assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
      assertThat(paid.body()).isEqualTo(FakePaymentCallback.ANSWER);
      assertThat(callback.deliveries).hasSize(1);
      FakePaymentCallback.Delivery delivery = callback.deliveries.get(0);
      assertThat(Signatures.validHmac(DevGateway.PAYMENT_SECRET, Buffer.buffer(delivery.body()), delivery.signature())).isTrue();
      assertThat(Signatures.validHmac("some-other-secret-0123456789abcdefgh", Buffer.buffer(delivery.body()),
          delivery.signature())).isFalse();
      assertThat(delivery.contentType()).isEqualTo("application/json");
      JsonObject body = new JsonObject(delivery.text());
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("paymentId", "orderId", "amountCents", "outcome");
      assertThat(body.getString("orderId")).isEqualTo(orderId);
      assertThat(body.getLong("amountCents")).isEqualTo(2 * 1999L);
      assertThat(body.getString("outcome")).isEqualTo("SUCCEEDED");
      assertThat(body.getString("paymentId")).matches("[A-Za-z0-9._:-]{1,64}");
    }
  }

  @Test
  void payIsForTheOwnersPendingOrderOnly() throws Exception {
    try (FakePaymentCallback callback = new FakePaymentCallback();
         DevGateway gw = devGateway(callback)) {
      long saleId = gw.seedOpenSale(500);
      String pending = gw.seedOrder(saleId, "alice", 1, "PENDING_PAYMENT");
      String queued = gw.seedOrder(saleId, "carol", 1, "QUEUED");

      assertThat(gw.post("/dev/v1/orders/" + pending + "/pay", null, null).statusCode()).isEqualTo(401);
      HttpResponse<String> stranger = gw.post("/dev/v1/orders/" + pending + "/pay", "bob", null);
      assertThat(stranger.statusCode()).isEqualTo(404);
      assertThat(stranger.body()).contains("ORDER_NOT_FOUND");
      HttpResponse<String> notYet = gw.post("/dev/v1/orders/" + queued + "/pay", "carol", null);
      assertThat(notYet.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(notYet.body()).getString("orderStatus")).isEqualTo("QUEUED");
      assertThat(gw.post("/dev/v1/orders/not-an-order/pay", "alice", null).statusCode()).isEqualTo(400);
      assertThat(callback.deliveries).isEmpty();
    }
  }

  private static DevGateway devGateway(FakePaymentCallback callback) {
    return new DevGateway(Map.of("SECKILL_DEV_MODE", "true", "SECKILL_PAYMENT_SECRET", DevGateway.PAYMENT_SECRET,
        "SECKILL_PAYMENT_CALLBACK_URL", callback.url()));
  }
}
