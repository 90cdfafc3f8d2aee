package io.seckill.contract;

import static io.seckill.contract.Tokens.claims;
import static io.seckill.contract.Tokens.header;
import static io.seckill.contract.Tokens.inOneHour;
import static io.seckill.contract.Tokens.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Shopper JWTs, order ownership, the admin token and payment signatures attacked over HTTP; and,
 * last, no secret or full JWT in any log line of the whole class (services run in this JVM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityContractTest {
  private static final String OWNER = "owner-7";
  private static final String PAYER = "payer-7";
  private static final String INTRUDER = "intruder-7";

  private LogCapture logs;
  private ContractSystem system;
  private long sale;
  private String ownerOrder;
  private String payerOrder;

  @BeforeAll
  void start() throws Exception {
    logs = LogCapture.start();
    system = ContractSystem.start("security", Map.of("SECKILL_RATE_USER_PER_S", "100000", "SECKILL_RATE_USER_BURST", "100000",
        "SECKILL_RATE_IP_PER_S", "100000", "SECKILL_RATE_IP_BURST", "100000"));
    sale = system.createSale(20, 1, 300, false, 0);
    ownerOrder = system.buy(sale, OWNER, 1).json().getString("orderId");
    payerOrder = system.buy(sale, PAYER, 1).json().getString("orderId");
    Quiescence.awaitPersisted(system, sale);
  }

  @AfterAll
  void stop() {
    if (system != null) {
      system.close();
    }
    if (logs != null) {
      logs.close();
    }
  }

  private Map<String, String> forgedAuthorizations() {
    String secret = ContractSystem.JWT_SECRET;
    String victim = claims(OWNER, inOneHour());
    String valid = system.jwt.mint(INTRUDER, 600);
    String[] parts = valid.split("\\.");
    Map<String, String> forged = new LinkedHashMap<>();
    forged.put("alg none, empty signature", "Bearer " + header("none") + "." + victim + ".");
    forged.put("alg none, no signature part", "Bearer " + header("none") + "." + victim);
    forged.put("alg NONE", "Bearer " + header("NONE") + "." + victim + ".");
    forged.put("HS512 header and signature", "Bearer " + signed(header("HS512"), victim, "HmacSHA512", secret));
    forged.put("RS256 header with an HMAC signature", "Bearer " + signed(header("RS256"), victim, "HmacSHA256", secret));
    forged.put("wrong key", "Bearer " + signed(header("HS256"), victim, "HmacSHA256", "another-secret-0123456789abcdefghijkl"));
    // Expired two minutes ago: past the gateway's clock-skew leeway (SECKILL_JWT_LEEWAY_S, 30 s).
    forged.put("expired", "Bearer " + signed(header("HS256"), claims(OWNER, System.currentTimeMillis() / 1000 - 120), "HmacSHA256", secret));
    forged.put("missing sub", "Bearer " + signed(header("HS256"), claims(null, inOneHour()), "HmacSHA256", secret));
    forged.put("empty sub", "Bearer " + signed(header("HS256"), claims("", inOneHour()), "HmacSHA256", secret));
    forged.put("sub with path characters", "Bearer " + signed(header("HS256"), claims("../owner-7", inOneHour()), "HmacSHA256", secret));
    forged.put("missing exp", "Bearer " + signed(header("HS256"), Tokens.b64("{\"sub\":\"owner-7\"}"), "HmacSHA256", secret));
    forged.put("exp as a string", "Bearer " + signed(header("HS256"),
        Tokens.b64("{\"sub\":\"owner-7\",\"exp\":\"9999999999\"}"), "HmacSHA256", secret));
    forged.put("tampered payload (signature of another payload)", "Bearer " + parts[0] + "." + victim + "." + parts[2]);
    forged.put("crit header", "Bearer " + signed(Tokens.b64("{\"alg\":\"HS256\",\"crit\":[\"x\"]}"), victim, "HmacSHA256", secret));
    forged.put("Basic scheme with credentials", "Basic " + Base64.getEncoder().encodeToString("owner-7:pw".getBytes(StandardCharsets.UTF_8)));
    forged.put("Basic scheme with a valid JWT", "Basic " + valid);
    forged.put("valid JWT without a scheme", valid);
    forged.put("empty bearer", "Bearer ");
    forged.put("bearer without token", "Bearer");
    forged.put("two tokens", "Bearer " + valid + " " + valid);
    forged.put("3000-character token", "Bearer " + "a".repeat(1000) + "." + "b".repeat(1000) + "." + "c".repeat(998));
    return forged;
  }

  @Test
  @Order(1)
  void forgedExpiredOrMisplacedShopperTokensAre401AndReserveNothing() throws Exception {
    StateSnapshot before = StateSnapshot.take(system, List.of(sale));
    for (Map.Entry<String, String> token : forgedAuthorizations().entrySet()) {
      Reply buy = ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri("/api/v1/sales/" + sale + "/orders"))
          .header("Authorization", token.getValue()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")));
      Problems.assertProblem(buy, 401, Set.of("UNAUTHENTICATED"), "buy with " + token.getKey());
      assertThat(buy.header("WWW-Authenticate")).as("challenge for %s", token.getKey()).startsWith("Bearer");
      Reply read = ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri("/api/v1/orders/" + ownerOrder))
          .header("Authorization", token.getValue()).GET());
      Problems.assertProblem(read, 401, Set.of("UNAUTHENTICATED"), "order read with " + token.getKey());
    }
    assertThat(StateSnapshot.take(system, List.of(sale))).as("state after forged tokens").isEqualTo(before);
    assertThat(system.order(ownerOrder, OWNER).status()).as("the genuine owner's token still works").isEqualTo(200);
  }

  @Test
  @Order(2)
  void anotherShoppersOrderAnswersExactlyLikeAnUnknownOrder() throws Exception {
    String unknown = sale + "-01ARZ3NDEKTSV4RRFFQ69G5FAV";
    Reply theirs = system.order(ownerOrder, INTRUDER);
    Reply missing = system.order(unknown, INTRUDER);
    Problems.assertProblem(theirs, 404, Set.of("ORDER_NOT_FOUND"), "reading another shopper's order");
    assertThat(withoutRequestId(theirs)).as("another's order vs unknown: %s / %s", theirs, missing).isEqualTo(withoutRequestId(missing));
    assertThat(theirs.text()).doesNotContain(OWNER).doesNotContain(ownerOrder);

    StateSnapshot before = StateSnapshot.take(system, List.of(sale));
    Reply cancelTheirs = system.cancel(ownerOrder, INTRUDER);
    Reply cancelMissing = system.cancel(unknown, INTRUDER);
    Problems.assertProblem(cancelTheirs, 404, Set.of("ORDER_NOT_FOUND"), "cancelling another shopper's order");
    assertThat(withoutRequestId(cancelTheirs)).as("cancel of another's vs unknown: %s / %s", cancelTheirs, cancelMissing)
        .isEqualTo(withoutRequestId(cancelMissing));
    assertThat(StateSnapshot.take(system, List.of(sale))).as("state after the intruder's cancel").isEqualTo(before);
  }

  @Test
  @Order(3)
  void adminCallsWithoutTheAdminTokenAre401AndChangeNothing() throws Exception {
    String token = ContractSystem.ADMIN_TOKEN;
    Map<String, String> wrong = new LinkedHashMap<>();
    wrong.put("no header", null);
    wrong.put("empty bearer", "Bearer ");
    wrong.put("wrong token of the same length", "Bearer " + "x".repeat(token.length()));
    wrong.put("token with its last character changed", "Bearer " + token.substring(0, token.length() - 1) + "!");
    wrong.put("prefix of the token", "Bearer " + token.substring(0, token.length() / 2));
    wrong.put("token plus a character", "Bearer " + token + "x");
    wrong.put("token in uppercase", "Bearer " + token.toUpperCase());
    wrong.put("Basic scheme", "Basic " + Base64.getEncoder().encodeToString(("admin:" + token).getBytes(StandardCharsets.UTF_8)));
    wrong.put("token without a scheme", token);
    wrong.put("a shopper's JWT", "Bearer " + system.jwt.mint(OWNER, 600));
    String newSale = new JsonObject().put("itemName", "Sneaky").put("priceCents", 1).put("stock", 1000)
        .put("startsAt", "2030-01-01T00:00:00Z").put("endsAt", "2030-01-02T00:00:00Z").put("perUserLimit", 1)
        .put("paymentTimeoutSeconds", 60).put("requirePurchaseToken", false).encode();
    Map<String, String[]> calls = new LinkedHashMap<>();
    calls.put("list sales", new String[] {"GET", "/admin/v1/sales", null});
    calls.put("create sale", new String[] {"POST", "/admin/v1/sales", newSale});
    calls.put("show sale", new String[] {"GET", "/admin/v1/sales/" + sale, null});
    calls.put("warm up", new String[] {"POST", "/admin/v1/sales/" + sale + "/warmup?force=true", null});
    calls.put("reconcile", new String[] {"POST", "/admin/v1/sales/" + sale + "/reconcile", null});
    calls.put("cancel order", new String[] {"POST", "/admin/v1/orders/" + ownerOrder + "/cancel", "{\"userId\":\"" + OWNER + "\"}"});
    calls.put("pause sale", new String[] {"POST", "/admin/v1/sales/" + sale + "/pause", null});
    calls.put("resume sale", new String[] {"POST", "/admin/v1/sales/" + sale + "/resume", null});
    calls.put("end sale", new String[] {"POST", "/admin/v1/sales/" + sale + "/end", null});
    calls.put("edit sale", new String[] {"PATCH", "/admin/v1/sales/" + sale, "{\"priceCents\":1}"});
    calls.put("read audit", new String[] {"GET", "/admin/v1/sales/" + sale + "/audit", null});
    calls.put("block shopper", new String[] {"PUT", "/admin/v1/blocklist/" + OWNER, null});
    calls.put("unblock shopper", new String[] {"DELETE", "/admin/v1/blocklist/" + OWNER, null});
    calls.put("read blocklist", new String[] {"GET", "/admin/v1/blocklist/" + OWNER, null});
    StateSnapshot before = StateSnapshot.take(system, List.of(sale));
    for (Map.Entry<String, String[]> call : calls.entrySet()) {
      for (Map.Entry<String, String> auth : wrong.entrySet()) {
        String[] c = call.getValue();
        Map<String, String> headers = new LinkedHashMap<>();
        if (auth.getValue() != null) {
          headers.put("Authorization", auth.getValue());
        }
        if (c[2] != null) {
          headers.put("Content-Type", "application/json");
        }
        Reply reply = ContractSystem.send(BadInputCase.request(c[0], system.stockUri(c[1]), headers,
            c[2] == null ? null : c[2].getBytes(StandardCharsets.UTF_8)));
        Problems.assertProblem(reply, 401, Set.of("UNAUTHENTICATED"), call.getKey() + " with " + auth.getKey());
      }
    }
    assertThat(StateSnapshot.take(system, List.of(sale))).as("state after refused admin calls").isEqualTo(before);
  }

  @Test
  @Order(3)
  void theGatewaysCancelTokenIsRefusedWith403OnEveryAdminRouteButTheCancelHandOffAndChangesNothing() throws Exception {
    String newSale = new JsonObject().put("itemName", "Scoped").put("priceCents", 1).put("stock", 1000)
        .put("startsAt", "2030-01-01T00:00:00Z").put("endsAt", "2030-01-02T00:00:00Z").put("perUserLimit", 1)
        .put("paymentTimeoutSeconds", 60).put("requirePurchaseToken", false).encode();
    Map<String, String[]> refused = new LinkedHashMap<>();
    refused.put("list sales", new String[] {"GET", "/admin/v1/sales", null});
    refused.put("create sale", new String[] {"POST", "/admin/v1/sales", newSale});
    refused.put("show sale", new String[] {"GET", "/admin/v1/sales/" + sale, null});
    refused.put("forced warm-up", new String[] {"POST", "/admin/v1/sales/" + sale + "/warmup?force=true", null});
    refused.put("reconcile", new String[] {"POST", "/admin/v1/sales/" + sale + "/reconcile", null});
    refused.put("cancel by GET", new String[] {"GET", "/admin/v1/orders/" + ownerOrder + "/cancel", null});
    refused.put("a route under the cancel path", new String[] {"POST", "/admin/v1/orders/" + ownerOrder + "/cancel/x", "{}"});
    long salesBefore = countSales();
    StateSnapshot before = StateSnapshot.take(system, List.of(sale));

    for (Map.Entry<String, String[]> call : refused.entrySet()) {
      Reply reply = adminCall(call.getValue(), ContractSystem.CANCEL_TOKEN);
      Problems.assertProblem(reply, 403, Set.of("FORBIDDEN"), call.getKey() + " with the cancel token");
    }
    // Past the guard, the cancel hand-off itself answers: another shopper's order is not found, so nothing changes.
    String[] cancel = {"POST", "/admin/v1/orders/" + ownerOrder + "/cancel", "{\"userId\":\"" + INTRUDER + "\"}"};
    Problems.assertProblem(adminCall(cancel, ContractSystem.CANCEL_TOKEN), 404, Set.of("ORDER_NOT_FOUND"),
        "the cancel hand-off with the cancel token");
    Problems.assertProblem(adminCall(cancel, ContractSystem.ADMIN_TOKEN), 404, Set.of("ORDER_NOT_FOUND"),
        "the cancel hand-off with the admin token");

    assertThat(countSales()).as("no sale created with the cancel token").isEqualTo(salesBefore);
    assertThat(StateSnapshot.take(system, List.of(sale))).as("state after the cancel token's calls").isEqualTo(before);
  }

  private Reply adminCall(String[] call, String token) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + token);
    if (call[2] != null) {
      headers.put("Content-Type", "application/json");
    }
    return ContractSystem.send(BadInputCase.request(call[0], system.stockUri(call[1]), headers,
        call[2] == null ? null : call[2].getBytes(StandardCharsets.UTF_8)));
  }

  private long countSales() throws Exception {
    try (var db = system.db(); var rs = db.createStatement().executeQuery("SELECT count(*) FROM sale")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @Order(4)
  void forgedPaymentSignaturesAre401AndChangeNothing() throws Exception {
    String body = paymentBody("pay-forged-1", ownerOrder);
    String other = paymentBody("pay-other-1", payerOrder);
    String spaced = body.replace("\"amountCents\":", "\"amountCents\": ");
    String signature = ContractSystem.sign(body);
    Map<String, String> forged = new LinkedHashMap<>();
    forged.put("no signature", null);
    forged.put("empty signature", "");
    forged.put("random hex", "ab".repeat(32));
    forged.put("signed with another secret", io.seckill.common.auth.Signatures.hmacHex("not-the-payment-secret-0123456789",
        body.getBytes(StandardCharsets.UTF_8)));
    forged.put("signature of another body (replayed over a swapped body)", ContractSystem.sign(other));
    forged.put("signature of the body with an extra space", ContractSystem.sign(spaced));
    forged.put("signature missing its last hex digit", signature.substring(0, 63));
    forged.put("signature with a prefix", "sha256=" + signature);
    forged.put("signature in base64", Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(signature)));
    StateSnapshot before = StateSnapshot.take(system, List.of(sale));
    for (Map.Entry<String, String> sig : forged.entrySet()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(system.stockUri("/api/v1/payments/callback"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
      if (sig.getValue() != null) {
        request.header("X-Signature", sig.getValue());
      }
      Problems.assertProblem(ContractSystem.send(request), 401, Set.of("INVALID_SIGNATURE"), "payment with " + sig.getKey());
    }
    assertThat(StateSnapshot.take(system, List.of(sale))).as("state after forged payments").isEqualTo(before);
  }

  @Test
  @Order(5)
  void uppercaseHexSignaturesAreAcceptedLikeLowercaseOnes() throws Exception {
    String body = paymentBody("pay-case-1", payerOrder);
    Reply upper = sendPayment(body, ContractSystem.sign(body).toUpperCase());
    Reply lower = sendPayment(body, ContractSystem.sign(body));
    Reply upperAgain = sendPayment(body, ContractSystem.sign(body).toUpperCase());
    assertThat(List.of(upper.status(), lower.status(), upperAgain.status())).as("%s / %s / %s", upper, lower, upperAgain)
        .containsOnly(200);
    assertThat(upper.json().getString("result")).isEqualTo("paid");
    assertThat(lower.json().getString("result")).isEqualTo("duplicate");
    assertThat(upperAgain.json().getString("result")).isEqualTo("duplicate");
    assertThat(upperAgain.json().getString("orderStatus")).isEqualTo("PAID");
  }

  @Test
  @Order(100)
  void noSecretAndNoFullJwtEverAppearsInTheLogs() throws Exception {
    List<String> jwts = SecretExercise.everyEndpoint(system, sale);
    List<String> lines = logs.lines();
    assertThat(lines).as("log lines captured while the services ran").hasSizeGreaterThan(5);
    List<String> secrets = new java.util.ArrayList<>(List.of(ContractSystem.JWT_SECRET, ContractSystem.ADMIN_TOKEN,
        ContractSystem.CANCEL_TOKEN,
        ContractSystem.PAYMENT_SECRET));
    secrets.addAll(jwts);
    for (String line : lines) {
      for (String secret : secrets) {
        assertThat(line).as("a log line holds a secret or a JWT").doesNotContain(secret);
      }
      assertThat(line).as("a log line holds something shaped like a JWT").doesNotContainPattern("eyJ[A-Za-z0-9_-]+\\.eyJ");
    }
  }

  private Reply sendPayment(String body, String signature) throws Exception {
    return ContractSystem.send(HttpRequest.newBuilder(system.stockUri("/api/v1/payments/callback"))
        .header("Content-Type", "application/json").header("X-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String paymentBody(String paymentId, String orderId) {
    return new JsonObject().put("paymentId", paymentId).put("orderId", orderId).put("amountCents", ContractSystem.PRICE_CENTS)
        .put("outcome", "SUCCEEDED").encode();
  }

  private static JsonObject withoutRequestId(Reply reply) {
    JsonObject body = reply.json();
    body.remove("requestId");
    return body.put("httpStatus", reply.status()).put("contentType", reply.header("Content-Type"));
  }
}
