package io.seckill.common.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JOSE header of a compact JWS, checked before any key or library sees the token: three non-empty segments, a
 * JSON header with a string {@code alg}, no {@code crit} (no extension is understood here), an optional string
 * {@code kid}. The alg is only read to be compared with the key's own: the key chooses the algorithm.
 */
record TokenHeader(String alg, String kid, int signatureChars) {
  /** IdP access tokens with roles and scopes run to a few KiB. */
  static final int MAX_TOKEN_LENGTH = 8192;
  private static final int MAX_KID_LENGTH = 256;
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** The header, or null for anything that is not a well-formed signed JWT. */
  static TokenHeader parse(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return null;
    }
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
      return null;
    }
    try {
      JsonObject header = new JsonObject(new String(B64D.decode(token.substring(0, first)), StandardCharsets.UTF_8));
      if (!(header.getValue("alg") instanceof String alg) || header.containsKey("crit")) {
        return null;
      }
      Object kid = header.getValue("kid");
      if (kid != null && !(kid instanceof String id && !id.isEmpty() && id.length() <= MAX_KID_LENGTH)) {
        return null;
      }
      return new TokenHeader(alg, (String) kid, token.length() - second - 1);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
