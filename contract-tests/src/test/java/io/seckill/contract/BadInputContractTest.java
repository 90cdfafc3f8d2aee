package io.seckill.contract;

import static io.seckill.contract.BadInputCase.invalidUtf8;
import static io.seckill.contract.BadInputCase.of;
import static io.seckill.contract.BadInputCase.request;
import static io.seckill.contract.BadInputCase.utf8;
import static io.seckill.contract.BadInputTables.INVALID;
import static io.seckill.contract.BadInputTables.UNKNOWN_SALE;
import static io.seckill.contract.BadInputTables.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * Invariant 7 over HTTP, table-driven, against every endpoint of gateway and stock-service: each bad
 * request gets its documented 4xx problem+json and leaves Redis (every key of the test's sales) and
 * the database (all four tables) exactly as they were. The requests aim at a live sale and a live
 * PENDING_PAYMENT order, so a lenient parser would visibly change something.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputContractTest {
  private static final int GATEWAY_BODY_LIMIT = 4096;
  private static final int STOCK_BODY_LIMIT = 16 * 1024;
  private static final String OWNER = "owner-1";

  private ContractSystem system;
  private long openSale;
  private long tokenSale;
  private String orderId;
  private Map<String, String> shopper;
  private Map<String, String> owner;
  private Map<String, String> admin;
  private Connection db;
  private Jedis redis;
  private StateSnapshot baseline;

  @BeforeAll
  void start() throws Exception {
    system = ContractSystem.start("badinput", Map.of("SECKILL_RATE_USER_PER_S", "100000", "SECKILL_RATE_USER_BURST", "100000",
        "SECKILL_RATE_IP_PER_S", "100000", "SECKILL_RATE_IP_BURST", "100000"));
    openSale = system.createSale(10, 2, 300, false, 0);
    tokenSale = system.createSale(10, 1, 300, true, 0);
    Reply bought = system.buy(openSale, OWNER, 1);
    assertThat(bought.status()).as("%s", bought).isEqualTo(202);
    orderId = bought.json().getString("orderId");
    awaitPendingPayment(orderId);
    shopper = Map.of("Authorization", "Bearer " + system.jwt.mint("shopper-1", 3600));
    owner = Map.of("Authorization", "Bearer " + system.jwt.mint(OWNER, 3600));
    admin = Map.of("Authorization", "Bearer " + ContractSystem.ADMIN_TOKEN);
    db = system.db();
    redis = system.redis();
  }

  @AfterAll
  void stop() throws Exception {
    if (db != null) {
      db.close();
      redis.close();
    }
    if (system != null) {
      system.close();
    }
  }

  @TestFactory
  @DisplayName("every gateway endpoint answers bad input with its documented 4xx problem+json and changes nothing")
  Stream<DynamicTest> gatewayRefusesBadInput() {
    List<BadInputCase> rows = new ArrayList<>();
    URI sale = gw("/api/v1/sales/" + openSale);
    URI tokens = gw("/api/v1/sales/" + tokenSale + "/purchase-tokens");
    URI orders = gw("/api/v1/sales/" + openSale + "/orders");
    URI order = gw("/api/v1/orders/" + orderId);
    URI cancel = gw("/api/v1/orders/" + orderId + "/cancel");

    rows.addAll(BadInputTables.idRows("GET sale", BadInputTables.BAD_SALE_IDS, id -> gw("/api/v1/sales/" + id), "GET", Map.of(), null));
    rows.add(of("GET sale: unknown id", request("GET", gw("/api/v1/sales/" + UNKNOWN_SALE), Map.of(), null), 404, "SALE_NOT_FOUND"));
    rows.add(of("GET sale: raw traversal", request("GET", gw("/api/v1/sales/../../../etc/passwd"), Map.of(), null), 404, "NOT_FOUND"));
    rows.addAll(BadInputTables.headerRows("GET sale", "GET", sale, Map.of(), null));

    rows.addAll(BadInputTables.idRows("POST purchase-tokens", BadInputTables.BAD_SALE_IDS,
        id -> gw("/api/v1/sales/" + id + "/purchase-tokens"), "POST", shopper, null));
    rows.addAll(BadInputTables.bodyRows("POST purchase-tokens", tokens, shopper, GATEWAY_BODY_LIMIT, "{}"));
    rows.add(of("POST purchase-tokens: unknown field", request("POST", tokens, json(shopper), utf8("{\"userId\":\"owner-1\"}")), 400, INVALID));

    rows.addAll(BadInputTables.idRows("POST orders", BadInputTables.BAD_SALE_IDS,
        id -> gw("/api/v1/sales/" + id + "/orders"), "POST", json(shopper), utf8("{\"quantity\":1}")));
    rows.addAll(BadInputTables.bodyRows("POST orders", orders, shopper, GATEWAY_BODY_LIMIT, "{\"quantity\":1}"));
    BadInputTables.orderedMap(
        "quantity as string", "{\"quantity\":\"1\"}", "quantity decimal", "{\"quantity\":1.5}",
        "quantity 1.0", "{\"quantity\":1.0}", "quantity boolean", "{\"quantity\":true}", "quantity null", "{\"quantity\":null}",
        "quantity array", "{\"quantity\":[1]}", "quantity object", "{\"quantity\":{\"n\":1}}", "quantity missing", "{}",
        "quantity 1e400", "{\"quantity\":1e400}", "quantity 2^63", "{\"quantity\":9223372036854775808}",
        "quantity 9999999999999999999", "{\"quantity\":9999999999999999999}", "quantity -1", "{\"quantity\":-1}",
        "quantity 0", "{\"quantity\":0}", "quantity -2^63", "{\"quantity\":-9223372036854775808}",
        "quantity over the maximum", "{\"quantity\":1001}", "unknown field", "{\"quantity\":1,\"userId\":\"owner-1\"}",
        "token as number", "{\"quantity\":1,\"token\":5}", "token as object", "{\"quantity\":1,\"token\":{}}")
        .forEach((name, body) -> rows.add(of("POST orders: " + name, request("POST", orders, json(shopper), utf8(body)), 400, INVALID)));
    rows.add(of("POST orders: invalid UTF-8 in token", request("POST", orders, json(shopper),
        invalidUtf8("{\"quantity\":1,\"token\":\"", "\"}")), 400, INVALID));
    BadInputTables.orderedMap("path characters", "../x", "space", "a b", "too long", "k".repeat(65), "SQL", "1' OR '1'='1")
        .forEach((name, key) -> rows.add(of("POST orders: Idempotency-Key " + name,
            request("POST", orders, BadInputTables.with(json(shopper), "Idempotency-Key", key), utf8("{\"quantity\":1}")), 400, INVALID)));

    rows.addAll(BadInputTables.idRows("GET order", BadInputTables.BAD_ORDER_IDS, id -> gw("/api/v1/orders/" + id), "GET", owner, null));
    rows.add(of("GET order: unknown id", request("GET", gw("/api/v1/orders/" + openSale + "-01ARZ3NDEKTSV4RRFFQ69G5FAV"), owner, null),
        404, "ORDER_NOT_FOUND"));
    rows.addAll(BadInputTables.headerRows("GET order", "GET", order, owner, null));

    rows.addAll(BadInputTables.idRows("POST cancel", BadInputTables.BAD_ORDER_IDS, id -> gw("/api/v1/orders/" + id + "/cancel"),
        "POST", owner, null));
    rows.addAll(BadInputTables.bodyRows("POST cancel", cancel, owner, GATEWAY_BODY_LIMIT, "{}"));
    rows.add(of("POST cancel: unknown field", request("POST", cancel, json(owner), utf8("{\"userId\":\"shopper-1\"}")), 400, INVALID));
    BadInputTables.orderedMap("encoded traversal", "/shop/..%2F..%2Fopenapi.yaml", "encoded dots", "/shop/%2e%2e/%2e%2e/etc/passwd",
        "raw dots", "/shop/../../../../etc/passwd", "backslashes", "/shop/..%5C..%5C..%5Cetc%5Cpasswd", "hidden file", "/shop/.env",
        "class file", "/shop/../io/seckill/gateway/Main.class", "directory listing", "/shop/", "dev routes while off", "/dev/v1/status")
        .forEach((name, path) -> rows.add(new BadInputCase("GET shopper page: " + name, request("GET", gw(path), Map.of(), null),
            java.util.Set.of(400, 404), java.util.Set.of("NOT_FOUND", INVALID))));
    rows.add(of("PUT orders: wrong method", request("PUT", orders, json(shopper), utf8("{\"quantity\":1}")), 405, "METHOD_NOT_ALLOWED"));
    return run(rows);
  }

  @TestFactory
  @DisplayName("every stock-service endpoint answers bad input with its documented 4xx problem+json and changes nothing")
  Stream<DynamicTest> stockServiceRefusesBadInput() {
    List<BadInputCase> rows = new ArrayList<>();
    URI sales = st("/admin/v1/sales");
    URI adminCancel = st("/admin/v1/orders/" + orderId + "/cancel");
    URI callback = st("/api/v1/payments/callback");

    JsonObject sale = new JsonObject().put("itemName", "Bad phone").put("priceCents", 100).put("stock", 5)
        .put("startsAt", "2030-01-01T00:00:00Z").put("endsAt", "2030-01-02T00:00:00Z").put("perUserLimit", 1)
        .put("paymentTimeoutSeconds", 60).put("requirePurchaseToken", false);
    rows.addAll(BadInputTables.bodyRows("POST sales", sales, admin, STOCK_BODY_LIMIT, sale.encode()));
    SaleMutations.all(sale).forEach((name, body) ->
        rows.add(of("POST sales: " + name, request("POST", sales, json(admin), utf8(body)), 400, INVALID)));
    String saleText = sale.encode();
    int split = saleText.indexOf("Bad phone") + 4;
    rows.add(of("POST sales: invalid UTF-8 in itemName", request("POST", sales, json(admin),
        invalidUtf8(saleText.substring(0, split), saleText.substring(split))), 400, INVALID));
    rows.addAll(BadInputTables.headerRows("GET sales", "GET", sales, admin, null));

    for (String action : List.of("", "/warmup", "/reconcile", "/pause", "/resume", "/end", "/audit")) {
      String method = action.isEmpty() || action.equals("/audit") ? "GET" : "POST";
      String endpoint = method + " sales/{id}" + action;
      rows.addAll(BadInputTables.idRows(endpoint, BadInputTables.BAD_SALE_IDS, id -> st("/admin/v1/sales/" + id + action), method, admin, null));
      rows.add(of(endpoint + ": unknown id", request(method, st("/admin/v1/sales/" + UNKNOWN_SALE + action), admin, null), 404, "SALE_NOT_FOUND"));
    }

    rows.addAll(operatorControlRows());

    String owned = new JsonObject().put("userId", OWNER).encode();
    rows.addAll(BadInputTables.idRows("POST admin cancel", BadInputTables.BAD_ORDER_IDS, id -> st("/admin/v1/orders/" + id + "/cancel"),
        "POST", json(admin), utf8(owned)));
    rows.addAll(BadInputTables.bodyRows("POST admin cancel", adminCancel, admin, STOCK_BODY_LIMIT, owned));
    BadInputTables.orderedMap("userId number", "{\"userId\":5}", "userId null", "{\"userId\":null}", "userId missing", "{}",
        "userId empty", "{\"userId\":\"\"}", "userId SQL injection", "{\"userId\":\"owner-1' OR '1'='1\"}",
        "userId CRLF", "{\"userId\":\"owner-1\\r\\nFLUSHALL\"}", "userId too long", "{\"userId\":\"" + "u".repeat(65) + "\"}",
        "unknown field", "{\"userId\":\"owner-1\",\"status\":\"CANCELLED\"}")
        .forEach((name, body) -> rows.add(of("POST admin cancel: " + name, request("POST", adminCancel, json(admin), utf8(body)), 400, INVALID)));

    long due = ContractSystem.PRICE_CENTS;
    JsonObject payment = new JsonObject().put("paymentId", "pay-bad-1").put("orderId", orderId).put("amountCents", due)
        .put("outcome", "SUCCEEDED");
    rows.addAll(PaymentRows.all(callback, payment));
    return run(rows);
  }

  /** PATCH sales/{id}, the operator header, the audit's paging and the blocklist's user ids. */
  private List<BadInputCase> operatorControlRows() {
    List<BadInputCase> rows = new ArrayList<>();
    URI edit = st("/admin/v1/sales/" + openSale);
    rows.addAll(BadInputTables.idRows("PATCH sales/{id}", BadInputTables.BAD_SALE_IDS, id -> st("/admin/v1/sales/" + id),
        "PATCH", json(admin), utf8("{\"priceCents\":1}")));
    rows.add(of("PATCH sales/{id}: unknown id", request("PATCH", st("/admin/v1/sales/" + UNKNOWN_SALE), json(admin),
        utf8("{\"priceCents\":1}")), 404, "SALE_NOT_FOUND"));
    for (Map.Entry<String, byte[]> body : BadInputTables.malformedBodies(STOCK_BODY_LIMIT).entrySet()) {
      rows.add(of("PATCH sales/{id}: " + body.getKey(), request("PATCH", edit, json(admin), body.getValue()), 400, INVALID));
    }
    rows.add(of("PATCH sales/{id}: Content-Type text/plain", request("PATCH", edit,
        BadInputTables.with(admin, "Content-Type", "text/plain"), utf8("{\"priceCents\":1}")), 415, "UNSUPPORTED_MEDIA_TYPE"));
    rows.add(of("PATCH sales/{id}: body over the limit", request("PATCH", edit, json(admin),
        utf8(new JsonObject().put("itemName", "x".repeat(STOCK_BODY_LIMIT)).encode())), 413, "PAYLOAD_TOO_LARGE"));
    // The create rules, on the sale the PATCH would produce (checked before the sale's opening is).
    BadInputTables.orderedMap("unknown field", "{\"colour\":\"red\"}", "stock null", "{\"stock\":null}",
        "stock negative", "{\"stock\":-1}", "stock decimal", "{\"stock\":1.5}", "stock as string", "{\"stock\":\"5\"}",
        "price negative", "{\"priceCents\":-1}", "itemName empty", "{\"itemName\":\"\"}",
        "itemName too long", "{\"itemName\":\"" + "x".repeat(201) + "\"}", "perUserLimit 0", "{\"perUserLimit\":0}",
        "paymentTimeoutSeconds 9", "{\"paymentTimeoutSeconds\":9}", "startsAt not a time", "{\"startsAt\":\"soon\"}",
        "endsAt before startsAt", "{\"endsAt\":\"2000-01-01T00:00:00Z\"}", "stockBuckets 0", "{\"stockBuckets\":0}",
        "stockBuckets 65", "{\"stockBuckets\":65}", "requirePurchaseToken as string", "{\"requirePurchaseToken\":\"yes\"}",
        "saleId in the body", "{\"saleId\":1}")
        .forEach((name, body) -> rows.add(of("PATCH sales/{id}: " + name, request("PATCH", edit, json(admin), utf8(body)), 400, INVALID)));
    BadInputTables.orderedMap("space", "bob smith", "too long", "o".repeat(65), "semicolon", "ops;drop", "slash", "a/b",
        "quote", "o'brien", "empty", "")
        .forEach((name, operator) -> rows.add(of("POST sales/{id}/pause: X-Seckill-Operator " + name,
            request("POST", st("/admin/v1/sales/" + openSale + "/pause"), BadInputTables.with(admin, "X-Seckill-Operator", operator),
                null), 400, INVALID)));
    BadInputTables.orderedMap("limit 0", "limit=0", "limit 201", "limit=201", "limit letters", "limit=ten",
        "before 0", "before=0", "before negative", "before=-5", "before 2^63", "before=9223372036854775808",
        "limit twice", "limit=1&limit=2")
        .forEach((name, query) -> rows.add(of("GET sales/{id}/audit: " + name,
            request("GET", st("/admin/v1/sales/" + openSale + "/audit?" + query), admin, null), 400, INVALID)));
    for (String method : List.of("PUT", "DELETE", "GET")) {
      BadInputTables.orderedMap("too long", "u".repeat(65), "control character", "bob%01", "CRLF", "bob%0D%0AFLUSHALL",
          "NUL byte", "bob%00")
          .forEach((name, user) -> rows.add(of(method + " blocklist/{userId}: " + name,
              request(method, st("/admin/v1/blocklist/" + user), admin, null), 400, INVALID)));
    }
    return rows;
  }

  /**
   * Each row is compared with the state before it. Nothing may change, so the state after one row is
   * the baseline of the next; a row that did change something fails and becomes the new baseline.
   */
  private Stream<DynamicTest> run(List<BadInputCase> rows) {
    List<Long> saleIds = List.of(openSale, tokenSale);
    return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> {
      StateSnapshot before = baseline != null ? baseline : snapshot(saleIds);
      Reply reply = ContractSystem.send(row.request());
      StateSnapshot after = snapshot(saleIds);
      baseline = after;
      assertThat(row.statuses()).as("%s: HTTP status of %s", row.name(), reply).contains(reply.status());
      Problems.assertProblem(reply, reply.status(), row.codes(), row.name());
      String detail = reply.json().getString("detail", "");
      for (String fragment : BadInputTables.PARSER_TEXT) {
        assertThat(detail).as("%s: the detail is our own fixed text, no parser or exception message", row.name())
            .doesNotContain(fragment);
      }
      assertThat(after.tables()).as("%s: the database after %s", row.name(), reply).isEqualTo(before.tables());
      assertThat(after.redis()).as("%s: Redis after %s", row.name(), reply).isEqualTo(before.redis());
    }));
  }

  /** Connections kept open across rows for speed, reopened if the shared server dropped them (another suite restarts it). */
  private StateSnapshot snapshot(List<Long> saleIds) throws Exception {
    if (!db.isValid(2)) {
      db.close();
      db = system.db();
    }
    try {
      redis.ping();
    } catch (RuntimeException e) {
      redis.close();
      redis = system.redis();
    }
    return StateSnapshot.take(db, redis, saleIds);
  }

  private void awaitPendingPayment(String id) {
    long saleId = openSale;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      try (var db = system.db(); ResultSet rs = db.createStatement().executeQuery("SELECT status FROM orders WHERE order_id = '" + id + "'");
           Jedis redis = system.redis()) {
        assertThat(rs.next() ? rs.getString(1) : null).isEqualTo("PENDING_PAYMENT");
        assertThat(redis.zcard(Bucket.root(saleId).pending())).isZero();
        assertThat(redis.hget(RedisKeys.order(id), "status")).isEqualTo("PENDING_PAYMENT");
      }
    });
  }

  private URI gw(String path) {
    return system.gatewayUri(path);
  }

  private URI st(String path) {
    return system.stockUri(path);
  }
}
