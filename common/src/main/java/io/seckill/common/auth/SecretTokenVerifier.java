package io.seckill.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HS256 shopper tokens signed with the shared secret (local runs, tests, the dev sign-in, the load test), verified by
 * vertx-auth-jwt. Any {@code kid} is ignored: there is one key.
 */
public final class SecretTokenVerifier implements TokenVerifier {
  /** An HS256 signature is 32 bytes: 43 base64url characters. */
  private static final int HS256_SIGNATURE_CHARS = 43;

  private final KeyVerifier key;

  public SecretTokenVerifier(Vertx vertx, String secret, JwtSettings settings) {
    JsonObject jwk = new JsonObject().put("kty", "oct").put("alg", "HS256")
        .put("k", Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    // An HS256 check (~4 µs) costs about what the cache's SHA-256 and lookup would: no cache on this path.
    this.key = new KeyVerifier(vertx, jwk, HS256_SIGNATURE_CHARS, settings.withoutVerifiedCache());
  }

  @Override
  public Future<String> subject(String token) {
    TokenHeader header = TokenHeader.parse(token);
    return header == null ? TokenRefused.MALFORMED.future() : key.verify(header, token);
  }
}
