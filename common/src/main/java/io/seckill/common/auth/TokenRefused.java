package io.seckill.common.auth;

import io.vertx.core.Future;

/**
 * Why a token was refused. No stack trace (a flood of bad tokens must stay cheap) and never a library's own message:
 * the reasons are a fixed set, so nothing from the token or a parser reaches a log line or a client.
 */
public final class TokenRefused extends RuntimeException {
  public static final TokenRefused MALFORMED = new TokenRefused("malformed token or header");
  public static final TokenRefused ALGORITHM = new TokenRefused("algorithm does not match the key's");
  public static final TokenRefused UNKNOWN_KEY = new TokenRefused("no key with this kid");
  public static final TokenRefused SIGNATURE_OR_CLAIMS = new TokenRefused("bad signature, or iss/aud/exp/nbf/iat refused");
  public static final TokenRefused LIFETIME = new TokenRefused("exp or iat missing, or exp - iat over the maximum lifetime");
  public static final TokenRefused SUBJECT = new TokenRefused("sub missing or outside the user id alphabet");

  private TokenRefused(String reason) {
    super(reason, null, false, false);
  }

  <T> Future<T> future() {
    return Future.failedFuture(this);
  }
}
