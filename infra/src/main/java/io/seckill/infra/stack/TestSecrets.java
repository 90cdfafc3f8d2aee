package io.seckill.infra.stack;

import io.seckill.common.auth.Jwt;
import io.seckill.common.auth.Signatures;
import java.nio.charset.StandardCharsets;

/**
 * The fixed secrets every test stack is started with ({@link ServiceEnv#forInfra}), and what a test
 * makes from them: a shopper's token, a payment callback's signature. Test values only, each as long
 * as the services require.
 */
public final class TestSecrets {
  public static final String JWT_SECRET = "test-system-jwt-secret-0123456789abcdefgh";
  public static final String ADMIN_TOKEN = "test-system-admin-token-0123456789abcdefg";
  /** The gateway's cancel-only credential for the stock-service hand-off (SECKILL_CANCEL_TOKEN). */
  public static final String CANCEL_TOKEN = "test-system-cancel-token-0123456789abcdef";
  public static final String PAYMENT_SECRET = "test-system-payment-secret-0123456789abcd";
  public static final Jwt JWT = new Jwt(JWT_SECRET);
  /** A shopper token's lifetime: longer than any test. */
  public static final long SHOPPER_TOKEN_TTL_S = 600;

  private TestSecrets() {
  }

  /** A shopper's HS256 token, as the identity provider would issue it. */
  public static String shopperToken(String user) {
    return JWT.mint(user, SHOPPER_TOKEN_TTL_S);
  }

  /** The Authorization header value of a shopper's request. */
  public static String shopperBearer(String user) {
    return "Bearer " + shopperToken(user);
  }

  /** The X-Signature of a payment callback: HMAC-SHA256 of the exact bytes sent, hex. */
  public static String paymentSignature(String body) {
    return Signatures.hmacHex(PAYMENT_SECRET, body.getBytes(StandardCharsets.UTF_8));
  }
}
