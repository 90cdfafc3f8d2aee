package io.seckill.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWKS fetch against a real local HTTP server: readiness waits for the first success, a failed refresh keeps keys. */
class JwksTokenVerifierTest {
  private Vertx vertx;
  private HttpServer server;
  private final AtomicInteger status = new AtomicInteger(503);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicReference<JsonArray> keys = new AtomicReference<>(new JsonArray());

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> {
      requests.incrementAndGet();
      request.response().setStatusCode(status.get()).end(new JsonObject().put("keys", keys.get()).encode());
    }).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private JwtSettings settings() {
    return new JwtSettings(null, "http://127.0.0.1:" + server.actualPort() + "/certs", "https://idp", "aud", 30, 3600,
        3600, 50, 32, 1000);
  }

  private static JsonObject rsa(String kid) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    BigInteger n = ((RSAPublicKey) generator.generateKeyPair().getPublic()).getModulus();
    byte[] bytes = n.toByteArray();
    return new JsonObject().put("kid", kid).put("kty", "RSA").put("e", "AQAB")
        .put("n", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes));
  }

  @Test
  void notReadyUntilTheFirstFetchSucceedsThenAFailedRefreshKeepsTheKeysHeld() throws Exception {
    JwksTokenVerifier verifier = new JwksTokenVerifier(vertx, settings());
    verifier.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() >= 1);
    assertThat(verifier.ready().isComplete()).as("ready while the IdP answers 503").isFalse();
    // A token cannot verify meanwhile, whatever its kid.
    var meanwhile = verifier.subject("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln");
    await().atMost(Duration.ofSeconds(10)).until(meanwhile::isComplete);
    assertThat(meanwhile.cause()).isSameAs(TokenRefused.UNKNOWN_KEY);

    keys.set(new JsonArray().add(rsa("k1")));
    status.set(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> verifier.ready().isComplete());
    assertThat(verifier.kids()).containsExactly("k1");

    // The IdP breaks: an unknown kid asks again, the fetch fails, and the keys already held stay.
    status.set(500);
    int before = requests.get();
    // Asked until a fetch goes out: one ask may land within the refresh rate limit of the fetch just done.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      verifier.subject("eyJhbGciOiJSUzI1NiIsImtpZCI6Im5ldyJ9.e30.c2ln");
      return requests.get() > before;
    });
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(verifier.kids()).containsExactly("k1"));

    // A document with no usable key is a failed fetch too, not an empty key set.
    status.set(200);
    keys.set(new JsonArray().add(new JsonObject().put("kid", "oct").put("kty", "oct").put("k", "c2VjcmV0")));
    int again = requests.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      verifier.subject("eyJhbGciOiJSUzI1NiIsImtpZCI6Im5ldzIifQ.e30.c2ln");
      return requests.get() > again;
    });
    assertThat(verifier.kids()).containsExactly("k1");
    verifier.stop().await();
  }
}
