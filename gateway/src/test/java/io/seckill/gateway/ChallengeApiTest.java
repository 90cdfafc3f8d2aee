package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.auth.ProofOfWork;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The proof-of-work before a purchase token: solved, wrong, replayed, expired, someone else's, and sales without one. */
class ChallengeApiTest {
  private static final int DIFFICULTY = 8;
  private static GatewayHarness gw;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness(Map.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(response).getString("code")).isEqualTo(code);
  }

  private static long openChallengeSale(GatewayHarness on) {
    long now = System.currentTimeMillis();
    return on.seedChallengeSale(10, DIFFICULTY, now - 60_000, now + 3_600_000);
  }

  private static String nonce(GatewayHarness on, long saleId, String user) {
    HttpResponse<String> issued = on.postJson("/api/v1/sales/" + saleId + "/challenges", user, null);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    return json(issued).getString("nonce");
  }

  private static HttpResponse<String> token(GatewayHarness on, long saleId, String user, String nonce, String solution) {
    return on.postJson("/api/v1/sales/" + saleId + "/purchase-tokens", user,
        new JsonObject().put("nonce", nonce).put("solution", solution).encode());
  }

  private static String solution(String nonce, String user) {
    return Long.toString(ProofOfWork.solve(nonce, user, DIFFICULTY));
  }

  private static String wrongSolution(String nonce, String user) {
    for (long x = 0; ; x++) {
      if (!ProofOfWork.solves(nonce, user, Long.toString(x), DIFFICULTY)) {
        return Long.toString(x);
      }
    }
  }

  private static boolean nonceStored(GatewayHarness on, long saleId, String nonce) {
    try (Jedis redis = on.jedis()) {
      return redis.exists(RedisKeys.challenge(saleId, nonce));
    }
  }

  @Test
  void aSolvedChallengeGetsAPurchaseTokenAndThePurchaseSucceeds() {
    long saleId = openChallengeSale(gw);
    HttpResponse<String> issued = gw.postJson("/api/v1/sales/" + saleId + "/challenges", "solver", null);
    assertThat(issued.statusCode()).isEqualTo(201);
    JsonObject challenge = json(issued);
    String nonce = challenge.getString("nonce");
    assertThat(nonce).matches("[A-Za-z0-9_-]{32}");
    assertThat(challenge.getInteger("difficulty")).isEqualTo(DIFFICULTY);
    assertThat(challenge.getString("kind")).isEqualTo("pow");
    assertThat(Instant.parse(challenge.getString("expiresAt"))).isAfter(Instant.now().plusSeconds(60));
    try (Jedis redis = gw.jedis()) {
      assertThat(redis.get(RedisKeys.challenge(saleId, nonce))).isEqualTo("solver");
      assertThat(redis.ttl(RedisKeys.challenge(saleId, nonce))).isBetween(1L, 600L);
    }

    HttpResponse<String> token = token(gw, saleId, "solver", nonce, solution(nonce, "solver"));

    assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
    assertThat(nonceStored(gw, saleId, nonce)).as("the nonce is spent").isFalse();
    HttpResponse<String> order = gw.postJson("/api/v1/sales/" + saleId + "/orders", "solver",
        new JsonObject().put("quantity", 1).put("token", json(token).getString("token")).encode());
    assertThat(order.statusCode()).as(order.body()).isEqualTo(202);
    assertThat(gw.redisStock(saleId)).isEqualTo(9);
  }

  @Test
  void aWrongSolutionIs403ChallengeFailedAndSpendsTheNonceSoTheRightOneComesTooLate() {
    long saleId = openChallengeSale(gw);
    String nonce = nonce(gw, saleId, "grinder");

    assertProblem(token(gw, saleId, "grinder", nonce, wrongSolution(nonce, "grinder")), 403, "CHALLENGE_FAILED");

    assertThat(nonceStored(gw, saleId, nonce)).isFalse();
    assertProblem(token(gw, saleId, "grinder", nonce, solution(nonce, "grinder")), 403, "CHALLENGE_EXPIRED");
  }

  @Test
  void aReplayedNonceIs403ChallengeExpired() {
    long saleId = openChallengeSale(gw);
    String nonce = nonce(gw, saleId, "replayer");
    String solution = solution(nonce, "replayer");
    assertThat(token(gw, saleId, "replayer", nonce, solution).statusCode()).isEqualTo(201);

    assertProblem(token(gw, saleId, "replayer", nonce, solution), 403, "CHALLENGE_EXPIRED");
  }

  @Test
  void anotherShoppersNonceIsRefusedAndStaysUsableByItsOwner() {
    long saleId = openChallengeSale(gw);
    String alices = nonce(gw, saleId, "alice");

    // Bob solves Alice's nonce for his own id: the nonce is not his.
    assertProblem(token(gw, saleId, "bob", alices, solution(alices, "bob")), 403, "CHALLENGE_EXPIRED");
    // A solution is bound to the id it was found for: one found for Alice fails for Bob on Bob's own nonce.
    String bobs = nonce(gw, saleId, "bob");
    String forAlice = null;
    for (long x = 0; forAlice == null; x++) {
      if (ProofOfWork.solves(bobs, "alice", Long.toString(x), DIFFICULTY) && !ProofOfWork.solves(bobs, "bob", Long.toString(x), DIFFICULTY)) {
        forAlice = Long.toString(x);
      }
    }
    assertProblem(token(gw, saleId, "bob", bobs, forAlice), 403, "CHALLENGE_FAILED");

    assertThat(nonceStored(gw, saleId, alices)).as("a stranger cannot spend Alice's nonce").isTrue();
    assertThat(token(gw, saleId, "alice", alices, solution(alices, "alice")).statusCode()).isEqualTo(201);
  }

  @Test
  void anExpiredNonceIs403ChallengeExpired() {
    try (GatewayHarness shortLived = new GatewayHarness(Map.of("SECKILL_CHALLENGE_TTL_S", "1"))) {
      long saleId = openChallengeSale(shortLived);
      String nonce = nonce(shortLived, saleId, "sleeper");
      String solution = solution(nonce, "sleeper");

      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> !nonceStored(shortLived, saleId, nonce));

      assertProblem(token(shortLived, saleId, "sleeper", nonce, solution), 403, "CHALLENGE_EXPIRED");
    }
  }

  @Test
  void withoutAnAnswerTheTokenIs403ChallengeRequiredAndAMalformedAnswerIs400AndSpendsNothing() {
    long saleId = openChallengeSale(gw);
    String path = "/api/v1/sales/" + saleId + "/purchase-tokens";
    assertProblem(gw.postJson(path, "lazy", null), 403, "CHALLENGE_REQUIRED");
    assertProblem(gw.postJson(path, "lazy", "{}"), 403, "CHALLENGE_REQUIRED");

    String nonce = nonce(gw, saleId, "lazy");
    String solution = solution(nonce, "lazy");
    for (String bad : new String[] {
        new JsonObject().put("nonce", nonce).encode(),
        new JsonObject().put("nonce", nonce).put("solution", 12).encode(),
        new JsonObject().put("nonce", nonce).put("solution", "-1").encode(),
        new JsonObject().put("nonce", nonce).put("solution", "1".repeat(21)).encode(),
        new JsonObject().put("nonce", "not a nonce!").put("solution", solution).encode(),
        new JsonObject().put("nonce", nonce).put("solution", solution).put("userId", "other").encode(),
        "[]", "{\"nonce\":"}) {
      assertProblem(gw.postJson(path, "lazy", bad), 400, "INVALID_REQUEST");
    }
    assertThat(nonceStored(gw, saleId, nonce)).as("bad input spends nothing").isTrue();
    assertThat(token(gw, saleId, "lazy", nonce, solution).statusCode()).isEqualTo(201);
  }

  @Test
  void eachChallengeRequestMakesANewNonceAndNeedsAShopper() {
    long saleId = openChallengeSale(gw);
    String first = nonce(gw, saleId, "twice");
    String second = nonce(gw, saleId, "twice");
    assertThat(first).isNotEqualTo(second);
    assertThat(nonceStored(gw, saleId, first)).isTrue();
    assertThat(nonceStored(gw, saleId, second)).isTrue();
    assertProblem(gw.postJson("/api/v1/sales/" + saleId + "/challenges", null, null), 401, "UNAUTHENTICATED");
    assertProblem(gw.postJson("/api/v1/sales/" + saleId + "/challenges", "twice", "{\"difficulty\":1}"), 400,
        "INVALID_REQUEST");
  }

  @Test
  void anUpcomingSaleHandsOutChallengesForTheCountdownAndAnEndedOneDoesNot() {
    long now = System.currentTimeMillis();
    long upcoming = gw.seedChallengeSale(5, DIFFICULTY, now + 3_600_000, now + 7_200_000);
    long ended = gw.seedChallengeSale(5, DIFFICULTY, now - 7_200_000, now - 3_600_000);
    assertThat(gw.postJson("/api/v1/sales/" + upcoming + "/challenges", "early", null).statusCode()).isEqualTo(201);
    assertProblem(gw.postJson("/api/v1/sales/" + ended + "/challenges", "early", null), 409, "SALE_ENDED");
    assertProblem(gw.postJson("/api/v1/sales/999999999999999/challenges", "early", null), 404, "SALE_NOT_FOUND");
  }

  @Test
  void theSaleShowsItsChallengeAndASaleWithoutOneWorksAsBefore() {
    long challenged = openChallengeSale(gw);
    JsonObject view = json(gw.get("/api/v1/sales/" + challenged, null));
    assertThat(view.getBoolean("challengeRequired")).isTrue();
    assertThat(view.getJsonObject("challenge")).isEqualTo(new JsonObject().put("kind", "pow").put("difficulty", DIFFICULTY));

    long plain = gw.seedOpenSale(5, 1);
    JsonObject plainView = json(gw.get("/api/v1/sales/" + plain, null));
    assertThat(plainView.getBoolean("challengeRequired")).isFalse();
    assertThat(plainView.getValue("challenge")).isNull();
    assertProblem(gw.postJson("/api/v1/sales/" + plain + "/challenges", "plain", null), 409, "CHALLENGE_NOT_REQUIRED");
    HttpResponse<String> token = gw.postJson("/api/v1/sales/" + plain + "/purchase-tokens", "plain", null);
    assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
    assertThat(gw.postJson("/api/v1/sales/" + plain + "/purchase-tokens", "plain", "{}").statusCode()).isEqualTo(201);
  }
}
