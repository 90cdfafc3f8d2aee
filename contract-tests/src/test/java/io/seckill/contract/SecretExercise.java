package io.seckill.contract;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/** Calls every endpoint of both services once the right way and once the wrong way, so their logs can be searched. */
final class SecretExercise {
  private SecretExercise() {
  }

  /** Returns every JWT it sent. */
  static List<String> everyEndpoint(ContractSystem system, long sale) throws Exception {
    List<String> jwts = new ArrayList<>();
    String admin = "Bearer " + ContractSystem.ADMIN_TOKEN;
    long tokenSale = system.createSale(5, 1, 60, true, 0);
    String shopper = system.jwt.mint("logged-1", 600);
    String expired = Tokens.signed(Tokens.header("HS256"), Tokens.claims("logged-1", 1), "HmacSHA256", ContractSystem.JWT_SECRET);
    jwts.add(shopper);
    jwts.add(expired);

    for (String path : List.of("/api/v1/sales/" + sale, "/api/v1/sales/" + tokenSale, "/api/v1/sales/x", "/metrics", "/health/live",
        "/health/ready", "/openapi.yaml", "/nope")) {
      ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri(path)).GET());
    }
    for (var service : List.of(system.gateway, system.stock, system.consumer)) {
      for (String path : List.of("/metrics", "/health/live", "/health/ready", "/nope")) {
        ContractSystem.send(HttpRequest.newBuilder(io.seckill.testing.SeckillSystem.managementUri(service, path)).GET());
      }
    }
    Reply token = post(system.gatewayUri("/api/v1/sales/" + tokenSale + "/purchase-tokens"), shopper, "{}");
    String purchaseToken = token.json().getString("token");
    Reply order = post(system.gatewayUri("/api/v1/sales/" + tokenSale + "/orders"), shopper,
        new JsonObject().put("quantity", 1).put("token", purchaseToken).encode());
    post(system.gatewayUri("/api/v1/sales/" + tokenSale + "/orders"), shopper, "{\"quantity\":1}");
    post(system.gatewayUri("/api/v1/sales/" + sale + "/orders"), expired, "{\"quantity\":1}");
    post(system.gatewayUri("/api/v1/sales/" + sale + "/orders"), shopper, "{\"quantity\":");
    ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri("/api/v1/sales/" + sale + "/orders"))
        .header("Authorization", "Bearer " + shopper).header("Content-Type", "application/json").header("Idempotency-Key", "k-1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")));
    String orderId = order.json().getString("orderId");
    Quiescence.awaitPersisted(system, tokenSale, sale);
    ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri("/api/v1/orders/" + orderId)).header("Authorization", "Bearer " + shopper).GET());
    ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri("/api/v1/orders/" + orderId)).header("Authorization", "Bearer " + expired).GET());
    post(system.gatewayUri("/api/v1/orders/" + orderId + "/cancel"), shopper, "{}");
    post(system.gatewayUri("/api/v1/orders/" + orderId + "/cancel"), shopper, "{}");

    for (String path : List.of("/admin/v1/sales", "/admin/v1/sales/" + sale, "/admin/v1/sales/x", "/metrics", "/health/ready",
        "/openapi.yaml")) {
      ContractSystem.send(HttpRequest.newBuilder(system.stockUri(path)).header("Authorization", admin).GET());
      ContractSystem.send(HttpRequest.newBuilder(system.stockUri(path)).header("Authorization", "Bearer wrong").GET());
    }
    for (String path : List.of("/admin/v1/sales/" + sale + "/warmup", "/admin/v1/sales/" + sale + "/warmup?force=true",
        "/admin/v1/sales/" + sale + "/reconcile")) {
      ContractSystem.send(HttpRequest.newBuilder(system.stockUri(path)).header("Authorization", admin).POST(HttpRequest.BodyPublishers.noBody()));
    }
    ContractSystem.send(HttpRequest.newBuilder(system.stockUri("/admin/v1/sales")).header("Authorization", admin)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"itemName\":5}")));
    ContractSystem.send(HttpRequest.newBuilder(system.stockUri("/admin/v1/orders/" + orderId + "/cancel")).header("Authorization", admin)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"someone-else\"}")));
    system.pay("pay-log-1", orderId, ContractSystem.PRICE_CENTS);
    system.pay("pay-log-2", tokenSale + "-01ARZ3NDEKTSV4RRFFQ69G5FAV", ContractSystem.PRICE_CENTS);
    ContractSystem.send(HttpRequest.newBuilder(system.stockUri("/api/v1/payments/callback")).header("Content-Type", "application/json")
        .header("X-Signature", "00".repeat(32)).POST(HttpRequest.BodyPublishers.ofString("{\"paymentId\":\"x\"}")));
    return jwts;
  }

  private static Reply post(java.net.URI uri, String jwt, String body) throws Exception {
    return ContractSystem.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + jwt)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }
}
