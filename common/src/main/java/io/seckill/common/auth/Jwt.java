package io.seckill.common.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints the HS256 shopper tokens of local runs, tests, the dev sign-in, the warm-up and the load test. The gateway
 * verifies with {@link SecretTokenVerifier} or {@link JwksTokenVerifier} (vertx-auth-jwt); {@link #verify} stays for
 * tools and tests that check a minted token.
 *
 * <p>HS256 JSON Web Tokens, and nothing else: the algorithm is pinned, so {@code alg: none} and
 * algorithm confusion are refused before any signature work. {@code sub} is the user id and
 * {@code exp} is required.
 */
public final class Jwt {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
  private static final int MAX_TOKEN_LENGTH = 2048;
  private static final int MAX_SUBJECT_LENGTH = 64;

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
    return signingInput + "." + B64.encodeToString(sign(signingInput));
  }

  /** The subject of a valid, unexpired HS256 token; empty for anything else. */
  public Optional<String> verify(String token) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
      return Optional.empty();
    }
    try {
      // The header every token minted here carries needs no parsing; any other is parsed and checked.
      if (!(first == HEADER.length() && token.startsWith(HEADER))) {
        JsonObject header = new JsonObject(new String(B64D.decode(token.substring(0, first)), StandardCharsets.UTF_8));
        if (!"HS256".equals(header.getValue("alg")) || header.containsKey("crit")) {
          return Optional.empty();
        }
      }
      byte[] expected = sign(token.substring(0, second));
      byte[] actual = B64D.decode(token.substring(second + 1));
      if (!MessageDigest.isEqual(expected, actual)) {
        return Optional.empty();
      }
      JsonObject claims = new JsonObject(new String(B64D.decode(token.substring(first + 1, second)), StandardCharsets.UTF_8));
      Object sub = claims.getValue("sub");
      Object exp = claims.getValue("exp");
      if (!(sub instanceof String subject) || subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH
          || !subject.chars().allMatch(Jwt::subjectChar)) {
        return Optional.empty();
      }
      if (!(exp instanceof Number expiry) || expiry.longValue() <= System.currentTimeMillis() / 1000) {
        return Optional.empty();
      }
      Object nbf = claims.getValue("nbf");
      if (nbf instanceof Number notBefore && notBefore.longValue() > System.currentTimeMillis() / 1000 + 30) {
        return Optional.empty();
      }
      return Optional.of(subject);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /** User ids are used in Redis keys and logs: keep them to a safe alphabet. */
  private static boolean subjectChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '@';
  }

  private byte[] sign(String input) {
    return macs.get().doFinal(input.getBytes(StandardCharsets.US_ASCII));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
