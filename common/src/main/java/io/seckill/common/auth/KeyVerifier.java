package io.seckill.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One verification key (a JWK) and the vertx-auth-jwt provider that holds only it, so the key's own {@code alg}
 * is the only one that can verify: {@code alg: none}, or HS256 signed with an RSA public key's bytes, find no key.
 * The library checks the signature, iss, aud, and exp/nbf/iat with the leeway; {@link TokenClaims} the rest.
 *
 * <p>A token it verified is remembered until it expires ({@link VerifiedTokens}), so its next uses skip the signature.
 *
 * <p>Threading: the library serialises every verification of one provider on a lock (its Signature and Mac are
 * shared), so each event loop gets a provider of its own; no lock is then ever contended.
 */
final class KeyVerifier {
  private final JsonObject jwk;
  private final String alg;
  private final int signatureChars;
  private final int maxLifetimeS;
  private final ThreadLocal<JWTAuth> providers;
  private final VerifiedTokens verified;

  /**
   * @param jwk            a public JWK (or an oct key for HS256) whose alg is set and already validated
   * @param signatureChars the exact base64url length of a signature with this key, or 0 to leave it to the library
   */
  KeyVerifier(Vertx vertx, JsonObject jwk, int signatureChars, JwtSettings settings) {
    this.jwk = jwk;
    this.alg = jwk.getString("alg");
    this.signatureChars = signatureChars;
    this.maxLifetimeS = settings.maxLifetimeS();
    JWTOptions claims = new JWTOptions().setLeeway(settings.leewayS());
    if (settings.issuer() != null) {
      claims.setIssuer(settings.issuer());
    }
    if (settings.audience() != null) {
      claims.setAudience(List.of(settings.audience()));
    }
    JWTAuthOptions options = new JWTAuthOptions().addJwk(jwk).setJWTOptions(claims);
    this.providers = ThreadLocal.withInitial(() -> JWTAuth.create(vertx, options));
    this.verified = new VerifiedTokens(settings.verifiedCacheSize(), settings.leewayS(), System::currentTimeMillis);
    providers.get(); // a key the library cannot load fails here, not on a shopper's request
  }

  JsonObject jwk() {
    return jwk;
  }

  Future<String> verify(TokenHeader header, String token) {
    if (!alg.equals(header.alg()) || signatureChars > 0 && header.signatureChars() != signatureChars) {
      return TokenRefused.ALGORITHM.future();
    }
    ByteBuffer cacheKey = verified.enabled() ? VerifiedTokens.key(token) : null;
    String known = cacheKey == null ? null : verified.subject(cacheKey);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Future<User> user;
    try {
      user = providers.get().authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // The library throws (rather than fails) on a few malformed claims, e.g. a non-numeric exp.
      return TokenRefused.SIGNATURE_OR_CLAIMS.future();
    }
    return user.transform(ar -> {
      if (ar.failed()) {
        return TokenRefused.SIGNATURE_OR_CLAIMS.future();
      }
      JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
      Object subject = TokenClaims.subject(claims, maxLifetimeS);
      if (!(subject instanceof String s)) {
        return ((TokenRefused) subject).future();
      }
      if (cacheKey != null) {
        verified.remember(cacheKey, s, claims.getLong("exp"));
      }
      return Future.succeededFuture(s);
    });
  }
}
