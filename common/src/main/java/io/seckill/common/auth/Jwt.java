package io.seckill.common.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints the HS256 shopper tokens of local runs, tests, the dev sign-in, the warm-up and the load test: {@code sub}
 * (the user id), {@code iat} and {@code exp}. Minting only: the gateway verifies with {@link SecretTokenVerifier} or
 * {@link JwksTokenVerifier} (vertx-auth-jwt).
 */
public final class Jwt {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;
  // Mac.getInstance walks the security providers on every call; a Mac per thread, keyed once, is reused
  // (doFinal resets it). Event-loop threads are few and long-lived.
  private final ThreadLocal<Mac> macs;

  public Jwt(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** Mints a token for {@code subject}, valid for {@code ttlSeconds}. */
  public String mint(String subject, long ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", subject).put("iat", now).put("exp", now + ttlSeconds);
    String payload = B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    String signingInput = HEADER + "." + payload;
    return signingInput + "." + B64.encodeToString(macs.get().doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
