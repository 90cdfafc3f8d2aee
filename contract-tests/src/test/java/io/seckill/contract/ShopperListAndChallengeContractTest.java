package io.seckill.contract;

import static io.seckill.contract.Problems.assertProblem;
import static io.seckill.contract.Tokens.claims;
import static io.seckill.contract.Tokens.header;
import static io.seckill.contract.Tokens.inOneHour;
import static io.seckill.contract.Tokens.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.auth.ProofOfWork;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * The contract of the shoppers' list of sales ({@code GET /api/v1/sales}) and of the proof-of-work challenge
 * ({@code POST /api/v1/sales/{id}/challenges}, answered on the purchase-token request): who may call them, what
 * bad input gets, and what repeating a call does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopperListAndChallengeContractTest {
  private static final int DIFFICULTY = 6;
  private static final Set<String> INVALID = Set.of("INVALID_REQUEST");

  private ContractSystem system;
  private long plainSale;
  private long challengeSale;

  @BeforeAll
  void start() throws Exception {
    system = ContractSystem.start("shopper-list", Map.of("SECKILL_RATE_USER_PER_S", "100000",
        "SECKILL_RATE_USER_BURST", "100000", "SECKILL_RATE_IP_PER_S", "100000", "SECKILL_RATE_IP_BURST", "100000"));
    plainSale = system.createSale(10, 1, 300, false, 0);
    challengeSale = createChallengeSale();
  }

  @AfterAll
  void stop() {
    if (system != null) {
      system.close();
    }
  }

  private long createChallengeSale() throws Exception {
    Instant now = Instant.now();
    String body = new JsonObject().put("itemName", "Challenged phone").put("priceCents", 1000).put("stock", 10)
        .put("startsAt", now.minusSeconds(5).toString()).put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", 1).put("paymentTimeoutSeconds", 300)
        .put("challenge", new JsonObject().put("kind", "pow").put("difficulty", DIFFICULTY)).encode();
    Reply created = ContractSystem.send(HttpRequest.newBuilder(system.stockUri("/admin/v1/sales"))
        .header("Authorization", "Bearer " + ContractSystem.ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    return created.json().getLong("saleId");
  }

  private Reply list(String query, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(system.gatewayUri("/api/v1/sales" + query)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return ContractSystem.send(request);
  }

  private Reply challenge(long saleId, String authorization, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(system.gatewayUri("/api/v1/sales/" + saleId + "/challenges"))
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return ContractSystem.send(request);
  }

  private String bearer(String user) {
    return "Bearer " + system.jwt.mint(user, 600);
  }

  private Reply token(long saleId, String user, String body) throws Exception {
    return ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri("/api/v1/sales/" + saleId + "/purchase-tokens"))
        .header("Authorization", bearer(user)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void theListNeedsNoTokenAndAnyAuthorizationHeaderChangesNothing() throws Exception {
    Reply anonymous = list("?state=OPEN&limit=100", null);
    assertThat(anonymous.status()).as("%s", anonymous).isEqualTo(200);
    assertThat(anonymous.header("Content-Type")).startsWith("application/json");
    List<Long> ids = anonymous.json().getJsonArray("sales").stream().map(s -> ((JsonObject) s).getLong("saleId")).toList();
    assertThat(ids).contains(plainSale, challengeSale);
    for (String authorization : List.of("Bearer junk", "Basic YWRtaW46YWRtaW4=", bearer("someone"),
        "Bearer " + header("none") + "." + claims("owner", inOneHour()) + ".")) {
      Reply reply = list("?state=OPEN&limit=100", authorization);
      assertThat(reply.status()).as("%s with %s", reply, authorization).isEqualTo(200);
      assertThat(reply.json().getJsonArray("sales")).isEqualTo(anonymous.json().getJsonArray("sales"));
    }
  }

  @Test
  void challengesNeedAValidShopperToken() throws Exception {
    String secret = ContractSystem.JWT_SECRET;
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("no Authorization", null);
    refused.put("alg none", "Bearer " + header("none") + "." + claims("owner", inOneHour()) + ".");
    refused.put("wrong key", "Bearer " + signed(header("HS256"), claims("owner", inOneHour()), "HmacSHA256",
        "another-secret-0123456789abcdefghijkl"));
    refused.put("expired", "Bearer " + signed(header("HS256"), claims("owner", System.currentTimeMillis() / 1000 - 120),
        "HmacSHA256", secret));
    refused.put("the admin token", "Bearer " + ContractSystem.ADMIN_TOKEN);
    try (Jedis redis = system.redis()) {
      long before = redis.keys(Bucket.root(challengeSale).tag() + "challenge:*").size();
      for (Map.Entry<String, String> row : refused.entrySet()) {
        Reply reply = challenge(challengeSale, row.getValue(), null, null);
        assertProblem(reply, 401, Set.of("UNAUTHENTICATED"), row.getKey());
        assertThat(reply.header("WWW-Authenticate")).as(row.getKey()).isEqualTo("Bearer");
      }
      assertThat(redis.keys(Bucket.root(challengeSale).tag() + "challenge:*")).as("no nonce for a refused caller").hasSize((int) before);
    }
  }

  @Test
  void badInputOnTheListIs400() throws Exception {
    String notOurs = Base64.getUrlEncoder().encodeToString("v2:1:1".getBytes(StandardCharsets.US_ASCII));
    for (String query : List.of("?state=PAUSEDX", "?state=", "?state=OPEN;DROP", "?limit=0", "?limit=101", "?limit=1.5",
        "?limit=" + "9".repeat(30), "?cursor=" + URLEncoder.encode("***", StandardCharsets.UTF_8), "?cursor=" + notOurs,
        "?unknown=1", "?limit=2&limit=3")) {
      assertProblem(list(query, null), 400, INVALID, "GET /api/v1/sales" + query);
    }
  }

  @Test
  void badInputOnChallengesIs400To415AndIssuesNothing() throws Exception {
    String user = bearer("bad-input");
    assertProblem(challenge(challengeSale, user, "text/plain", "x"), 415, Set.of("UNSUPPORTED_MEDIA_TYPE"), "text/plain body");
    assertProblem(challenge(challengeSale, user, "application/json", "{\"difficulty\":1}"), 400, INVALID, "a body");
    for (String id : List.of("0", "-1", "abc", "99999999999999999999")) {
      Reply reply = ContractSystem.send(HttpRequest.newBuilder(system.gatewayUri("/api/v1/sales/" + id + "/challenges"))
          .header("Authorization", user).POST(HttpRequest.BodyPublishers.noBody()));
      assertProblem(reply, 400, INVALID, "sale id " + id);
    }
    assertProblem(challenge(999_999_999_999L, user, null, null), 404, Set.of("SALE_NOT_FOUND"), "unknown sale");
    assertProblem(challenge(plainSale, user, null, null), 409, Set.of("CHALLENGE_NOT_REQUIRED"), "sale without a challenge");

    // The answer on the purchase-token request: malformed → 400, and the nonce stays unspent.
    String nonce = challenge(challengeSale, user, null, null).json().getString("nonce");
    for (String body : List.of("{\"nonce\":\"" + nonce + "\"}", "{\"nonce\":\"" + nonce + "\",\"solution\":1}",
        "{\"nonce\":\"" + nonce + "\",\"solution\":\"1e3\"}", "{\"nonce\":\"../x\",\"solution\":\"1\"}",
        "{\"nonce\":\"" + nonce + "\",\"solution\":\"1\",\"user\":\"x\"}", "[1]", "{")) {
      assertProblem(token(challengeSale, "bad-input", body), 400, INVALID, "answer " + body);
    }
    try (Jedis redis = system.redis()) {
      assertThat(redis.get(RedisKeys.challenge(challengeSale, nonce))).isEqualTo("bad-input");
    }
  }

  @Test
  void theListIsSafeToRepeatAndEachChallengeRequestIssuesANewSingleUseNonce() throws Exception {
    StateSnapshot before = StateSnapshot.take(system, List.of(plainSale, challengeSale));
    Reply first = list("", null);
    Reply second = list("", null);
    assertThat(second.json().getJsonArray("sales")).isEqualTo(first.json().getJsonArray("sales"));
    assertThat(StateSnapshot.take(system, List.of(plainSale, challengeSale))).as("listing changes nothing").isEqualTo(before);

    String user = "repeat";
    JsonObject one = challenge(challengeSale, bearer(user), null, null).json();
    JsonObject two = challenge(challengeSale, bearer(user), null, null).json();
    assertThat(one.getString("nonce")).isNotEqualTo(two.getString("nonce"));
    assertThat(one.getInteger("difficulty")).isEqualTo(DIFFICULTY);
    for (JsonObject c : List.of(one, two)) {
      String answer = new JsonObject().put("nonce", c.getString("nonce"))
          .put("solution", Long.toString(ProofOfWork.solve(c.getString("nonce"), user, DIFFICULTY))).encode();
      assertThat(token(challengeSale, user, answer).status()).isEqualTo(201);
      assertProblem(token(challengeSale, user, answer), 403, Set.of("CHALLENGE_EXPIRED"), "the same answer again");
    }
  }
}
