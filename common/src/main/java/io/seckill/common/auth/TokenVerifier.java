package io.seckill.common.auth;

import io.vertx.core.Future;

/**
 * Verifies a shopper's bearer token and yields its subject, the user id. Any refusal is a failed future carrying a
 * {@link TokenRefused}, whose reason is for logs and tests only: clients hear a fixed 401.
 */
public interface TokenVerifier {
  /** The subject of a valid token; usually already complete (keys cached), else after a key refresh. */
  Future<String> subject(String token);
}
