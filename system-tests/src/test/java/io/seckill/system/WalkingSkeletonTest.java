package io.seckill.system;

import io.seckill.infra.stack.TestSecrets;

import io.seckill.testing.SeckillSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.db.PgUrls;
import io.seckill.infra.Invariants;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton through the real pipeline, over HTTP: create a sale in stock-service →
 * warm-up into Redis → buy through the gateway → Kafka → order-consumer → a row in {@code orders},
 * readable through {@code GET /api/v1/orders/{orderId}}. No shortcut around Redis or Kafka.
 */
class WalkingSkeletonTest {
  private static SeckillSystem system;

  @BeforeAll
  static void startTheSystem() throws Exception {
    system = SeckillSystem.start("skeleton", java.util.Map.of());
  }

  @AfterAll
  static void stopTheSystem() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void anOrderBoughtThroughTheGatewayBecomesARowInPostgresReadableByItsOwner() throws Exception {
    Instant now = Instant.now();
    JsonObject sale = new JsonObject()
        .put("itemName", "Skeleton phone").put("priceCents", 19900).put("stock", 10)
        .put("startsAt", now.minusSeconds(5).toString()).put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", 1).put("paymentTimeoutSeconds", 300).put("requirePurchaseToken", false);
    HttpResponse<String> created = send(HttpRequest.newBuilder(stockUri("/admin/v1/sales"))
        .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(sale.encode())));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    long saleId = new JsonObject(created.body()).getLong("saleId");

    HttpResponse<String> shown = send(HttpRequest.newBuilder(gatewayUri("/api/v1/sales/" + saleId)).GET());
    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    assertThat(new JsonObject(shown.body()).getString("state")).isEqualTo("OPEN");
    assertThat(new JsonObject(shown.body()).getInteger("remaining")).isEqualTo(10);

    String token = system.jwt().mint("skeleton-alice", 600);
    HttpResponse<String> bought = send(HttpRequest.newBuilder(gatewayUri("/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")));
    assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
    JsonObject order = new JsonObject(bought.body());
    String orderId = order.getString("orderId");
    assertThat(order.getString("status")).isEqualTo("QUEUED");
    assertThat(bought.headers().firstValue("Location")).contains("/api/v1/orders/" + orderId);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> read = send(HttpRequest.newBuilder(gatewayUri("/api/v1/orders/" + orderId))
          .header("Authorization", "Bearer " + token).GET());
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(new JsonObject(read.body()).getString("status")).isEqualTo("PENDING_PAYMENT");
    });

    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(system.pgUrl()));
         PreparedStatement s = c.prepareStatement("SELECT sale_id, user_id, quantity, status FROM orders WHERE order_id = ?")) {
      s.setString(1, orderId);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("order row for %s", orderId).isTrue();
        assertThat(rs.getLong("sale_id")).isEqualTo(saleId);
        assertThat(rs.getString("user_id")).isEqualTo("skeleton-alice");
        assertThat(rs.getInt("quantity")).isEqualTo(1);
        assertThat(rs.getString("status")).isEqualTo("PENDING_PAYMENT");
      }
    }

    String someoneElse = system.jwt().mint("skeleton-bob", 600);
    HttpResponse<String> peek = send(HttpRequest.newBuilder(gatewayUri("/api/v1/orders/" + orderId))
        .header("Authorization", "Bearer " + someoneElse).GET());
    assertThat(peek.statusCode()).isEqualTo(404);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Invariants.check(system.pgUrl(), system.redisUrl(), saleId, List.of(orderId)).holds()).isTrue());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return SeckillSystem.send(request);
  }

  private static URI gatewayUri(String path) {
    return SeckillSystem.uri(system.gateway(), path);
  }

  private static URI stockUri(String path) {
    return SeckillSystem.uri(system.stock(), path);
  }
}
