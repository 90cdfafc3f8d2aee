package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Reading and cancelling orders; stock-service's cancel endpoint is a small fake HTTP server. */
class OrderApiTest {
  private static FakeStockService stockService;
  private static GatewayHarness gw;

  @BeforeAll
  static void start() throws Exception {
    stockService = new FakeStockService();
    gw = new GatewayHarness(Map.of("SECKILL_STOCK_SERVICE_URL", stockService.url()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    stockService.close();
  }

  @BeforeEach
  void resetFake() {
    stockService.status = 200;
    stockService.contentType = "application/json";
    stockService.body = "{\"orderId\":\"x\",\"status\":\"CANCELLED\"}";
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("code")).isEqualTo(code);
  }

  @Test
  void badIdsAndBodiesAnswerFixedDetailsNeverAParsersMessage() {
    long saleId = gw.seedOpenSale(5, 1);
    Map<String, HttpResponse<String>> answers = new java.util.LinkedHashMap<>();
    answers.put("orderId is not a valid order id", gw.get("/api/v1/orders/9999999999999999999-01ARZ3NDEKTSV4RRFFQ69G5FAV", "ann"));
    answers.put("saleId must be a positive 64-bit integer", gw.get("/api/v1/sales/99999999999999999999999", null));
    answers.put("the body is not valid JSON", gw.postJson("/api/v1/sales/" + saleId + "/orders", "ann", "{\"quantity\": tru"));
    answers.put("quantity must be an integer", gw.postJson("/api/v1/sales/" + saleId + "/orders", "ann", "{\"quantity\":\"1\"}"));
    answers.put("this call takes no input: send no body or {}",
        gw.postJson("/api/v1/orders/" + OrderIds.next(saleId) + "/cancel", "ann", "{\"x\":"));

    answers.forEach((detail, response) -> {
      assertProblem(response, 400, "INVALID_REQUEST");
      assertThat(new JsonObject(response.body()).getString("detail")).isEqualTo(detail);
      assertThat(response.body()).doesNotContain("For input string", "Exception", "Unexpected character", "line:", "column:");
    });
  }

  /** An order as the consumer leaves it: a PENDING_PAYMENT row, and optionally its Redis status. */
  private String persistedOrder(long saleId, String user, boolean cached) {
    String orderId = OrderIds.next(saleId);
    gw.execute("INSERT INTO orders (order_id, sale_id, user_id, quantity, status) VALUES (?, ?, ?, 1, 'PENDING_PAYMENT')",
        orderId, saleId, user);
    if (cached) {
      try (Jedis redis = gw.jedis()) {
        redis.hset(RedisKeys.order(orderId), Map.of("userId", user, "quantity", "1", "status", "PENDING_PAYMENT"));
        redis.expire(RedisKeys.order(orderId), 600);
      }
    }
    return orderId;
  }

  @Test
  void orderMissingFromTheRedisCacheIsReadFromPostgres() {
    long saleId = gw.seedOpenSale(5, 1);
    String orderId = persistedOrder(saleId, "uma", false);
    HttpResponse<String> response = gw.get("/api/v1/orders/" + orderId, "uma");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject order = new JsonObject(response.body());
    assertThat(order.getString("orderId")).isEqualTo(orderId);
    assertThat(order.getLong("saleId")).isEqualTo(saleId);
    assertThat(order.getString("status")).isEqualTo("PENDING_PAYMENT");
    assertThat(order.containsKey("reason")).isFalse();
  }

  @Test
  void someoneElsesOrderAndAnUnknownOrderAreBoth404() {
    long saleId = gw.seedOpenSale(5, 1);
    String orderId = persistedOrder(saleId, "victor", true);
    assertProblem(gw.get("/api/v1/orders/" + orderId, "wendy"), 404, "ORDER_NOT_FOUND");
    assertProblem(gw.get("/api/v1/orders/" + OrderIds.next(saleId), "victor"), 404, "ORDER_NOT_FOUND");
    assertProblem(gw.get("/api/v1/orders/not-an-order", "victor"), 400, "INVALID_REQUEST");
    assertProblem(gw.postJson("/api/v1/orders/" + orderId + "/cancel", "wendy", null), 404, "ORDER_NOT_FOUND");
    assertThat(stockService.calls).noneMatch(c -> c.path().contains(orderId));
  }

  @Test
  void cancelOfAPendingOrderIsHandedToStockServiceWithTheAdminToken() {
    long saleId = gw.seedOpenSale(5, 1);
    String orderId = persistedOrder(saleId, "xena", true);
    stockService.body = new JsonObject().put("orderId", orderId).put("status", "CANCELLED").encode();
    HttpResponse<String> response = gw.postJson("/api/v1/orders/" + orderId + "/cancel", "xena", null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("status")).isEqualTo("CANCELLED");
    FakeStockService.Call call = stockService.calls.stream().filter(c -> c.path().contains(orderId)).findFirst().orElseThrow();
    assertThat(call.path()).isEqualTo("/admin/v1/orders/" + orderId + "/cancel");
    assertThat(call.authorization()).isEqualTo("Bearer " + GatewayHarness.CANCEL_TOKEN);
    assertThat(new JsonObject(call.body()).getString("userId")).isEqualTo("xena");
  }

  @Test
  void stockServiceRefusalIsPassedThrough() {
    long saleId = gw.seedOpenSale(5, 1);
    String orderId = persistedOrder(saleId, "yuri", true);
    stockService.status = 409;
    stockService.contentType = "application/problem+json";
    stockService.body = "{\"type\":\"x\",\"title\":\"Order not cancellable\",\"status\":409,\"code\":\"ORDER_NOT_CANCELLABLE\"}";
    HttpResponse<String> response = gw.postJson("/api/v1/orders/" + orderId + "/cancel", "yuri", null);
    assertProblem(response, 409, "ORDER_NOT_CANCELLABLE");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void cancelOfAnOrderNotAwaitingPaymentIs409WithoutCallingStockService() {
    long saleId = gw.seedOpenSale(5, 1);
    HttpResponse<String> placed = gw.postJson("/api/v1/sales/" + saleId + "/orders", "zoe", "{\"quantity\":1}");
    String orderId = new JsonObject(placed.body()).getString("orderId");
    assertProblem(gw.postJson("/api/v1/orders/" + orderId + "/cancel", "zoe", null), 409, "ORDER_NOT_CANCELLABLE");
    assertThat(stockService.calls).noneMatch(c -> c.path().contains(orderId));
  }

  @Test
  void cancelWhileStockServiceIsDownIs503WithRetryAfter() {
    try (GatewayHarness own = new GatewayHarness(Map.of("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:1"))) {
      long saleId = own.seedOpenSale(5, 1);
      String orderId = OrderIds.next(saleId);
      try (Jedis redis = own.jedis()) {
        redis.hset(RedisKeys.order(orderId), Map.of("userId", "amy", "quantity", "1", "status", "PENDING_PAYMENT"));
        redis.expire(RedisKeys.order(orderId), 600);
      }
      HttpResponse<String> response = own.postJson("/api/v1/orders/" + orderId + "/cancel", "amy", null);
      assertProblem(response, 503, "UNAVAILABLE");
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }
  }
}
