package io.seckill.stock.sale;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.redis.Bucket;
import io.seckill.stock.OneStockServiceTest;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SaleAdminTest extends OneStockServiceTest {

  private static JsonObject validSale() {
    Instant now = Instant.now();
    return new JsonObject()
        .put("itemName", "Phone X")
        .put("priceCents", 49_900)
        .put("stock", 100)
        .put("startsAt", now.minusSeconds(60).toString())
        .put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", 2)
        .put("paymentTimeoutSeconds", 900)
        .put("requirePurchaseToken", true);
  }

  private static JsonObject without(String field) {
    JsonObject sale = validSale();
    sale.remove(field);
    return sale;
  }

  private static JsonObject endingAtItsStart() {
    JsonObject sale = validSale();
    return sale.put("endsAt", sale.getString("startsAt"));
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        Arguments.of("stock", validSale().put("stock", -1)),
        Arguments.of("stock", validSale().put("stock", 1.5)),
        Arguments.of("endsAt", endingAtItsStart()),
        Arguments.of("startsAt", validSale().put("startsAt", "tomorrow")),
        Arguments.of("perUserLimit", validSale().put("perUserLimit", 0)),
        Arguments.of("paymentTimeoutSeconds", validSale().put("paymentTimeoutSeconds", 9)),
        Arguments.of("paymentTimeoutSeconds", validSale().put("paymentTimeoutSeconds", 86_401)),
        Arguments.of("itemName", validSale().put("itemName", "")),
        Arguments.of("itemName", validSale().put("itemName", "x".repeat(201))),
        Arguments.of("itemName", validSale().put("itemName", 7)),
        Arguments.of("priceCents", validSale().put("priceCents", -1)),
        Arguments.of("priceCents", without("priceCents")),
        Arguments.of("stock", validSale().putNull("stock")),
        Arguments.of("requirePurchaseToken", validSale().put("requirePurchaseToken", "yes")),
        Arguments.of("discount", validSale().put("discount", 10)),
        Arguments.of("challenge", validSale().put("challenge", "pow")),
        Arguments.of("challenge.kind", validSale().put("challenge", new JsonObject().put("kind", "captcha").put("difficulty", 8))),
        Arguments.of("challenge.difficulty", validSale().put("challenge", new JsonObject().put("kind", "pow"))),
        Arguments.of("challenge.difficulty", validSale().put("challenge", new JsonObject().put("kind", "pow").put("difficulty", 0))),
        Arguments.of("challenge.difficulty", validSale().put("challenge", new JsonObject().put("kind", "pow").put("difficulty", 29))),
        Arguments.of("challenge.difficulty", validSale().put("challenge", new JsonObject().put("kind", "pow").put("difficulty", 8.5))),
        Arguments.of("challenge.salt", validSale().put("challenge", new JsonObject().put("kind", "pow").put("difficulty", 8).put("salt", 1))));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("badFields")
  void createRefusesEachBadFieldWith400NamingItAndCreatesNothing(String field, JsonObject body) {
    long before = harness.number("SELECT count(*) FROM sale");

    HttpResponse<String> response = harness.post(service, "/admin/v1/sales", body.encode(), true);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = StockHarness.json(response);
    assertThat(problem.getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(problem.getString("field")).isEqualTo(field);
    assertThat(problem.getString("detail")).contains(field);
    assertThat(harness.number("SELECT count(*) FROM sale")).isEqualTo(before);
  }

  @Test
  void createAnswers201WithTheSaleWarmedUpInRedisWithEveryMetaFieldTheGatewayReads() {
    JsonObject body = validSale();

    HttpResponse<String> response = harness.post(service, "/admin/v1/sales", body.encode(), true);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonObject sale = StockHarness.json(response);
    long saleId = sale.getLong("saleId");
    assertThat(sale.getInteger("stock")).isEqualTo(100);
    assertThat(sale.getInteger("remaining")).isEqualTo(100);
    assertThat(harness.redisStock(saleId)).isEqualTo(100);
    Map<String, String> meta = harness.jedis.hgetAll(Bucket.root(saleId).meta());
    assertThat(meta).containsEntry("startsAt", Long.toString(Instant.parse(body.getString("startsAt")).toEpochMilli()))
        .containsEntry("endsAt", Long.toString(Instant.parse(body.getString("endsAt")).toEpochMilli()))
        .containsEntry("perUserLimit", "2").containsEntry("requireToken", "1").containsEntry("priceCents", "49900")
        .containsEntry("itemName", "Phone X").containsEntry("paymentTimeoutS", "900");
    JsonObject view = StockHarness.json(harness.get(service, "/admin/v1/sales/" + saleId));
    assertThat(view.getJsonObject("redis").getLong("stock")).isEqualTo(100);
    assertThat(view.getLong("drift")).isZero();
    assertThat(StockHarness.json(harness.get(service, "/admin/v1/sales")).getJsonArray("sales").stream()
        .map(s -> ((JsonObject) s).getLong("saleId"))).contains(saleId);
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "malformed JSON|POST|/admin/v1/sales|{\"itemName\": tru|the body is not valid JSON",
      "trailing garbage|POST|/admin/v1/sales|{} x|the body is not valid JSON",
      "unquoted key|POST|/admin/v1/sales|{itemName:1}|the body is not valid JSON",
      "wrong JSON type|POST|/admin/v1/sales|{\"itemName\":\"x\",\"priceCents\":\"many\"}|priceCents must be an integer",
      "over-long numeric sale id|GET|/admin/v1/sales/99999999999999999999999|-|saleId must be a positive integer",
      "over-long numeric order id|POST|/admin/v1/orders/9999999999999999999-01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel|{\"userId\":\"a\"}|orderId is not an order id",
      "malformed cancel body|POST|/admin/v1/orders/1-01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel|{\"userId\":|the body is not valid JSON"})
  void badInputAnswersAFixedDetailNeverAParsersMessage(String name, String method, String path, String body,
                                                        String detail) {
    HttpResponse<String> response = harness.send(service, path, method, "GET".equals(method) ? null : body,
        Map.of("Authorization", "Bearer " + StockHarness.ADMIN_TOKEN));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(StockHarness.json(response).getString("detail")).isEqualTo(detail);
    assertThat(response.body()).doesNotContain("For input string", "Exception", "Unexpected character", "line:", "column:");
  }

  @Test
  void aChallengeIsStoredInTheDatabaseAndTheRedisMetaAndShownAndASaleWithoutOneHasDifficultyZeroInRedis() {
    JsonObject body = validSale().put("challenge", new JsonObject().put("kind", "pow").put("difficulty", 12));

    HttpResponse<String> response = harness.post(service, "/admin/v1/sales", body.encode(), true);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonObject sale = StockHarness.json(response);
    long saleId = sale.getLong("saleId");
    assertThat(sale.getJsonObject("challenge")).isEqualTo(new JsonObject().put("kind", "pow").put("difficulty", 12));
    assertThat(harness.number("SELECT challenge_difficulty FROM sale WHERE sale_id = " + saleId)).isEqualTo(12);
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "challengeDifficulty")).isEqualTo("12");

    JsonObject plain = StockHarness.json(harness.post(service, "/admin/v1/sales", validSale().encode(), true));
    assertThat(plain.getValue("challenge")).isNull();
    assertThat(harness.jedis.hget(Bucket.root(plain.getLong("saleId")).meta(), "challengeDifficulty")).isEqualTo("0");
  }

  @Test
  void adminCallsWithoutTheRightBearerTokenAre401() {
    HttpResponse<String> none = harness.send(service, "/admin/v1/sales", "GET", null, Map.of());
    HttpResponse<String> wrong = harness.send(service, "/admin/v1/sales", "GET", null,
        Map.of("Authorization", "Bearer " + StockHarness.ADMIN_TOKEN + "x"));

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(StockHarness.json(none).getString("code")).isEqualTo("UNAUTHENTICATED");
    assertThat(wrong.statusCode()).isEqualTo(401);
  }

  @Test
  void aNonJsonBodyIs415AndABodyOver16KiBIs413() {
    HttpResponse<String> text = harness.send(service, "/admin/v1/sales", "POST", "itemName=x",
        Map.of("Authorization", "Bearer " + StockHarness.ADMIN_TOKEN, "Content-Type", "text/plain"));
    HttpResponse<String> huge = harness.post(service, "/admin/v1/sales",
        validSale().put("itemName", "x".repeat(17 * 1024)).encode(), true);

    assertThat(text.statusCode()).as(text.body()).isEqualTo(415);
    assertThat(StockHarness.json(text).getString("code")).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(StockHarness.json(huge).getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
  }

  @Test
  void getSaleShowsDbAndRedisCountsAndTheDriftOfInFlightOrders() {
    long saleId = harness.openSale(service, 10, 1000, 3, 600);
    harness.order(saleId, "ann", 2, 0);
    harness.reserve(saleId, "bob", 1);

    JsonObject view = StockHarness.json(harness.get(service, "/admin/v1/sales/" + saleId));

    assertThat(view.getJsonObject("db").getMap()).containsEntry("remaining", 8).containsEntry("pendingPayment", 2);
    assertThat(view.getJsonObject("redis").getMap()).containsEntry("stock", 7).containsEntry("buyers", 2)
        .containsEntry("pending", 1);
    assertThat(view.getLong("drift")).isZero();
    assertThat(harness.get(service, "/admin/v1/sales/" + (saleId + 99_000)).statusCode()).isEqualTo(404);
  }

  @Test
  void warmupRebuildsTheWholeSaleStateFromTheDatabaseAfterItsKeysAreDeletedAndIsIdempotent() {
    long saleId = harness.openSale(service, 20, 1000, 3, 600);
    String ann = harness.order(saleId, "ann", 2, 0);
    String bob = harness.order(saleId, "bob", 3, 0);
    String cat = harness.order(saleId, "cat", 1, 0);
    assertThat(harness.cancel(service, cat, "cat").statusCode()).isEqualTo(200);
    Map<String, String> buyersBefore = harness.jedis.hgetAll(Bucket.root(saleId).buyers());

    harness.deleteSaleKeys(saleId);
    HttpResponse<String> first = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup", null, true);
    Map<String, String> metaAfterFirst = harness.jedis.hgetAll(Bucket.root(saleId).meta());
    HttpResponse<String> second = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(harness.redisStock(saleId)).isEqualTo(harness.remaining(saleId)).isEqualTo(15);
    assertThat(harness.jedis.hgetAll(Bucket.root(saleId).buyers())).isEqualTo(buyersBefore)
        .containsEntry("ann", ann).containsEntry("bob", bob).containsEntry("cat", cat);
    assertThat(harness.jedis.smembers(Bucket.root(saleId).returned())).containsExactly(cat);
    assertThat(metaAfterFirst).containsKeys("startsAt", "endsAt", "perUserLimit", "requireToken", "priceCents",
        "itemName", "paymentTimeoutS").isEqualTo(harness.jedis.hgetAll(Bucket.root(saleId).meta()));
    assertThat(StockHarness.json(second).getLong("stock")).isEqualTo(15);
    harness.assertInvariants(saleId, List.of(ann, bob, cat));
  }

  @Test
  void warmupKeepsInFlightReservationsOutOfTheStock() {
    long saleId = harness.openSale(service, 10, 1000, 3, 600);
    harness.order(saleId, "ann", 2, 0);
    String inFlight = harness.reserve(saleId, "bob", 3);

    HttpResponse<String> response = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(harness.redisStock(saleId)).isEqualTo(5);
    assertThat(harness.jedis.hget(Bucket.root(saleId).buyers(), "bob")).isEqualTo(inFlight);
    assertThat(harness.assertInvariants(saleId, List.of()).inFlight()).isEqualTo(1);
  }

  @Test
  void warmupRefusesToOverwriteALiveSaleWithout_force_AndSaysWhy() {
    long saleId = harness.openSale(service, 10, 1000, 3, 600);
    String orderId = harness.order(saleId, "ann", 1, 0);
    harness.jedis.decrBy(Bucket.root(saleId).stock(), 4);

    HttpResponse<String> refused = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup", null, true);

    assertThat(refused.statusCode()).isEqualTo(409);
    JsonObject problem = StockHarness.json(refused);
    assertThat(problem.getString("code")).isEqualTo("SALE_LIVE");
    assertThat(problem.getString("detail")).contains("force=true");
    assertThat(harness.redisStock(saleId)).isEqualTo(5);

    HttpResponse<String> forced = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);

    assertThat(forced.statusCode()).isEqualTo(200);
    assertThat(harness.redisStock(saleId)).isEqualTo(9);
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void theOpenApiDocumentListsExactlyTheRoutesServedUnderAdminAndApi() throws Exception {
    Set<String> served = new HashSet<>();
    for (Route route : service.router().getRoutes()) {
      String path = route.getPath();
      // The console's static files are a page, not API: the document lists only the page itself.
      if (path == null || !(path.startsWith("/admin/") || path.startsWith("/api/")) || path.startsWith("/admin/console/")
          || route.methods() == null
          || route.methods().isEmpty()) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        served.add(method.name().toLowerCase() + " " + path.replaceAll(":(\\w+)", "{$1}"));
      }
    }
    String document;
    try (InputStream in = getClass().getResourceAsStream("/openapi.yaml")) {
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Set<String> documented = new HashSet<>();
    String currentPath = null;
    Pattern pathLine = Pattern.compile("^  (/\\S+):\\s*$");
    Pattern methodLine = Pattern.compile("^    (get|post|put|patch|delete):\\s*$");
    for (String line : document.split("\n")) {
      Matcher p = pathLine.matcher(line);
      Matcher m = methodLine.matcher(line);
      if (p.matches()) {
        currentPath = p.group(1);
      } else if (m.matches() && currentPath != null) {
        documented.add(m.group(1) + " " + currentPath);
      } else if (!line.startsWith(" ") && !line.isBlank()) {
        currentPath = null;
      }
    }

    assertThat(document).startsWith("openapi: 3.1");
    assertThat(documented).isNotEmpty().isEqualTo(served);
    assertThat(harness.send(service, "/openapi.yaml", "GET", null, Map.of()).body()).isEqualTo(document);
  }
}
