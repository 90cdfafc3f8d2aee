package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.gateway.warmup.WarmUpTraffic;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway verifying an identity provider's tokens: a real JWKS server (a Vert.x HttpServer in the test) serves
 * RSA 2048, EC P-256 and Ed25519 keys generated here; shopper calls go over real HTTP to a gateway on real Redis,
 * Kafka and PostgreSQL.
 */
class IdentityProviderTest {
  private static final String ISSUER = "https://idp.test/realms/shop";
  private static final String AUDIENCE = "seckill-gateway";
  private static final int MIN_REFRESH_MS = 400;

  private static final IdpKey RSA = IdpKey.rsa("rsa-1");
  private static final IdpKey EC = IdpKey.ec("ec-1");
  private static final IdpKey ED = IdpKey.ed25519("ed-1");

  private static Vertx vertx;
  private static HttpServer jwksServer;
  private static final List<JsonObject> published = new CopyOnWriteArrayList<>();
  private static final AtomicInteger jwksFetches = new AtomicInteger();
  private static GatewayHarness gw;
  private static long saleId;
  private static WarmUpTraffic.Report warmUp;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    published.addAll(List.of(RSA.jwk(), EC.jwk(), ED.jwk(),
        // Never usable: a symmetric key (anyone reading the JWKS could sign) and an encryption key.
        new JsonObject().put("kid", "oct-1").put("kty", "oct").put("k", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"),
        IdpKey.rsa("enc-1").jwk().put("use", "enc")));
    jwksServer = vertx.createHttpServer().requestHandler(request -> {
      jwksFetches.incrementAndGet();
      request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("keys", new JsonArray(new ArrayList<>(published))).encode());
    }).listen(0, "127.0.0.1").await();
    gw = new GatewayHarness(Map.of(
        "SECKILL_JWT_SECRET", "",
        "SECKILL_JWT_JWKS_URL", "http://127.0.0.1:" + jwksServer.actualPort() + "/realms/shop/certs",
        "SECKILL_JWT_ISSUER", ISSUER,
        "SECKILL_JWT_AUDIENCE", AUDIENCE,
        "SECKILL_JWT_JWKS_MIN_REFRESH_MS", Integer.toString(MIN_REFRESH_MS),
        // The start-up warm-up cannot mint the IdP's tokens: it runs with its own (see theStartUpWarmUp…).
        "SECKILL_WARMUP_REQUESTS", "400", "SECKILL_WARMUP_MAX_MS", "60000", "SECKILL_WARMUP_UNTIL_JIT_SETTLES", "false",
        "SECKILL_WARMUP_TOPIC", io.seckill.infra.LocalInfra.uniqueName("orders-warmup")));
    GatewayService service = (GatewayService) gw.service;
    await().atMost(Duration.ofSeconds(90)).until(() -> service.warmUp().isComplete());
    warmUp = service.warmUp().result();
    saleId = gw.seedOpenSale(100_000, 100_000);
  }

  @AfterAll
  static void stop() {
    gw.close();
    vertx.close().await();
  }

  private static JsonObject claims(String user) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", user).put("iss", ISSUER).put("aud", AUDIENCE).put("iat", now).put("exp", now + 300);
  }

  private static HttpResponse<String> purchase(String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url("/api/v1/sales/" + saleId + "/orders")))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return gw.send(b.build());
  }

  private static void assertAccepted(String token) {
    HttpResponse<String> response = purchase(token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  /** The fixed 401: no library or parser text reaches the client. */
  private static void assertRefused(String token) {
    HttpResponse<String> response = purchase(token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("code")).isEqualTo("UNAUTHENTICATED");
    assertThat(problem.getString("detail")).isEqualTo("a valid bearer token is required");
  }

  private static String user() {
    return "idp-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void validRs256Es256AndEdDsaTokensFromTheJwksAreAccepted() {
    assertAccepted(RSA.sign(claims(user())));
    assertAccepted(EC.sign(claims(user())));
    assertAccepted(ED.sign(claims(user())));
    // aud may be an array that contains the configured audience
    assertAccepted(RSA.sign(claims(user()).put("aud", new JsonArray().add("account").add(AUDIENCE))));
  }

  @Test
  void subjectsAsIdentityProvidersWriteThemAreShoppersAndOddOnesAreNot() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    // Auth0 (database and social connections), Keycloak and Cognito (UUIDs).
    assertAccepted(RSA.sign(claims("auth0|5f7c8ec7c33c6c004bb" + suffix)));
    assertAccepted(RSA.sign(claims("google-oauth2|10476922183700" + suffix)));
    assertAccepted(RSA.sign(claims(UUID.randomUUID().toString())));
    for (String odd : new String[] {"with space", "semi;colon", "new\nline", "x".repeat(65), ""}) {
      assertRefused(RSA.sign(claims(odd)));
    }
  }

  @Test
  void theStartUpWarmUpAuthenticatesWithTokensOfItsOwnInJwksMode() {
    assertThat(warmUp.sent()).isEqualTo(400);
    assertThat(warmUp.answers()).containsKey(202).doesNotContainKeys(401, 0, 500);
    // Its tokens are HS256 with a per-process secret: without the warm-up's pass, HS256 never verifies here.
    assertRefused(hs256(new JsonObject().put("alg", "HS256").put("kid", "rsa-1"), claims(user()),
        GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theUserIdIsTheTokensSubject() {
    String user = user();
    HttpResponse<String> created = purchase(ED.sign(claims(user)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String location = created.headers().firstValue("Location").orElseThrow();
    HttpRequest read = HttpRequest.newBuilder(URI.create(gw.url(location))).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + EC.sign(claims(user))).GET().build();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gw.send(read).statusCode()).isEqualTo(200));
    // Another shopper's token does not own the order.
    HttpRequest other = HttpRequest.newBuilder(URI.create(gw.url(location))).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + EC.sign(claims(user()))).GET().build();
    assertThat(gw.send(other).statusCode()).isEqualTo(404);
  }

  @Test
  void aRotatedInKeyIsFetchedOnDemandAndARotatedOutKeyIsRefusedAfterTheNextRefresh() {
    IdpKey next = IdpKey.rsa("rsa-rotated-" + UUID.randomUUID());
    IdpKey retiring = IdpKey.ec("ec-retiring-" + UUID.randomUUID());
    published.add(retiring.jwk());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(purchase(retiring.sign(claims(user()))).statusCode()).isEqualTo(202));
    // Verified once, so remembered by the key's verified-token cache; the cache must not outlive the key.
    String remembered = retiring.sign(claims(user()));
    assertThat(purchase(remembered).statusCode()).isEqualTo(202);

    published.add(next.jwk());
    // The gateway has never seen this kid: the token makes it refetch the JWKS (once the rate limit allows).
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(purchase(next.sign(claims(user()))).statusCode()).isEqualTo(202));

    published.removeIf(jwk -> jwk.getString("kid").equals(retiring.kid()));
    int before = jwksFetches.get();
    // Any refresh drops it: here the one an unknown kid triggers.
    IdpKey unknown = IdpKey.ed25519("never-published-" + UUID.randomUUID());
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      assertRefused(unknown.sign(claims(user())));
      return jwksFetches.get() > before;
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(purchase(retiring.sign(claims(user()))).statusCode()).isEqualTo(401));
    assertRefused(retiring.sign(claims(user())));
    assertRefused(remembered);
  }

  @Test
  void forgedExpiredNotYetValidWrongIssuerWrongAudienceAndOverLongTokensAreRefused() {
    long now = System.currentTimeMillis() / 1000;
    // Signed by a key the IdP never published, under a published kid.
    IdpKey impostor = new IdpKey("rsa-1", "RS256", IdpKey.rsa("x").pair());
    assertRefused(impostor.sign(claims(user())));
    // A valid signature with one claim byte changed afterwards.
    String valid = RSA.sign(claims("alice"));
    String[] parts = valid.split("\\.");
    assertRefused(parts[0] + "." + IdpKey.b64(claims("mallory").encode()) + "." + parts[2]);
    // Expired beyond the 30 s leeway; not valid for ten more minutes; issued in the future.
    assertRefused(ED.sign(claims(user()).put("iat", now - 900).put("exp", now - 120)));
    assertRefused(ED.sign(claims(user()).put("nbf", now + 600)));
    assertRefused(ED.sign(claims(user()).put("iat", now + 600).put("exp", now + 900)));
    assertRefused(EC.sign(claims(user()).put("iss", "https://evil.test/realms/shop")));
    assertRefused(EC.sign(claims(user()).put("iss", ISSUER + "/")));
    JsonObject noIssuer = claims(user());
    noIssuer.remove("iss");
    assertRefused(EC.sign(noIssuer));
    assertRefused(EC.sign(claims(user()).put("aud", "another-app")));
    JsonObject noAudience = claims(user());
    noAudience.remove("aud");
    assertRefused(RSA.sign(noAudience));
    // Lifetime over SECKILL_JWT_MAX_LIFETIME_S (3600), and tokens without exp or without iat.
    assertRefused(RSA.sign(claims(user()).put("exp", now + 7200)));
    JsonObject noExp = claims(user());
    noExp.remove("exp");
    assertRefused(RSA.sign(noExp));
    JsonObject noIat = claims(user());
    noIat.remove("iat");
    assertRefused(RSA.sign(noIat));
    // A subject outside the user id alphabet, and no subject.
    assertRefused(RSA.sign(claims("bob:evil")));
    JsonObject noSub = claims(user());
    noSub.remove("sub");
    assertRefused(RSA.sign(noSub));
    // Within the leeway an expired token still passes: clocks differ.
    assertAccepted(ED.sign(claims(user()).put("iat", now - 300).put("exp", now - 5)));
  }

  @Test
  void algNoneAndAlgorithmConfusionAreRefused() {
    String claims = IdpKey.b64(claims(user()).encode());
    for (String alg : new String[] {"none", "None", "NONE"}) {
      String header = IdpKey.b64(new JsonObject().put("alg", alg).put("kid", "rsa-1").encode());
      assertRefused(header + "." + claims + ".");
      assertRefused(header + "." + claims);
    }
    // HS256 keyed with the RSA public key's bytes (the classic confusion), as DER and as PEM.
    byte[] der = RSA.pair().getPublic().getEncoded();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    for (byte[] secret : new byte[][] {der, pem.getBytes(StandardCharsets.US_ASCII)}) {
      assertRefused(hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", "rsa-1"), claims(user()), secret));
    }
    // The symmetric key the JWKS (wrongly) publishes is never used.
    byte[] octKey = java.util.Base64.getUrlDecoder().decode("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA");
    assertRefused(hs256(new JsonObject().put("alg", "HS256").put("kid", "oct-1"), claims(user()), octKey));
    // A key only signs with its own algorithm: an EC key's token claiming RS256, the RSA key's claiming PS256.
    assertRefused(EC.sign(new JsonObject().put("alg", "RS256").put("kid", "ec-1"), claims(user())));
    assertRefused(RSA.sign(new JsonObject().put("alg", "PS256").put("kid", "rsa-1"), claims(user())));
    // An encryption key never verifies, and a token without kid is refused (every IdP sends one).
    IdpKey enc = new IdpKey("enc-1", "RS256", RSA.pair());
    assertRefused(enc.sign(claims(user())));
    assertRefused(RSA.sign(new JsonObject().put("alg", "RS256"), claims(user())));
    // crit names an extension nobody here understands.
    assertRefused(RSA.sign(new JsonObject().put("alg", "RS256").put("kid", "rsa-1").put("crit", new JsonArray().add("exp")),
        claims(user())));
  }

  @Test
  void aBurstOfUnknownKidsCausesAtMostTheRateLimitedNumberOfJwksFetches() {
    int burst = 300;
    IdpKey signer = IdpKey.ed25519("unused");
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      tokens.add(signer.sign(new JsonObject().put("alg", "EdDSA").put("kid", "random-" + UUID.randomUUID()), claims(user())));
    }
    int before = jwksFetches.get();
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (String token : tokens) {
      answers.add(gw.http.sendAsync(HttpRequest.newBuilder(URI.create(gw.url("/api/v1/sales/" + saleId + "/orders")))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertThat(answer.join().statusCode()).isEqualTo(401);
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    int fetches = jwksFetches.get() - before;
    // One fetch per SECKILL_JWT_JWKS_MIN_REFRESH_MS window at most (plus the window the burst started in).
    assertThat(fetches).as("%d JWKS fetches for %d unknown kids in %d ms", fetches, burst, elapsedMs)
        .isLessThanOrEqualTo(1 + (int) (elapsedMs / MIN_REFRESH_MS) + 1)
        .isLessThan(burst / 10);
  }

  private static String hs256(JsonObject header, JsonObject claims, byte[] secret) {
    try {
      String input = IdpKey.b64(header.encode()) + "." + IdpKey.b64(claims.encode());
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
