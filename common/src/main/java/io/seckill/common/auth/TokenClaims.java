package io.seckill.common.auth;

import io.vertx.core.json.JsonObject;

/**
 * The claim rules the library does not apply: {@code exp} and {@code iat} are required and at most the maximum
 * lifetime apart, and {@code sub} is a user id that is safe in Redis keys and logs. The library has already checked
 * the signature, iss, aud, and exp/nbf/iat against the clock with the leeway.
 */
final class TokenClaims {

  private TokenClaims() {
  }

  /** The subject, or the reason the claims are refused. */
  static Object subject(JsonObject claims, int maxLifetimeS) {
    if (!(claims.getValue("exp") instanceof Number exp) || !(claims.getValue("iat") instanceof Number iat)
        || exp.longValue() - iat.longValue() > maxLifetimeS) {
      return TokenRefused.LIFETIME;
    }
    if (!(claims.getValue("sub") instanceof String subject) || !UserIds.valid(subject)) {
      return TokenRefused.SUBJECT;
    }
    return subject;
  }

}
