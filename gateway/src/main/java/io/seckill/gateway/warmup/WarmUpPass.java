package io.seckill.gateway.warmup;

import io.seckill.gateway.guards.RateLimiter;
import io.seckill.common.warmup.WarmUpSales;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Marks the start-up warm-up's own requests so the rate limiters charge them to keys of their own: they come from
 * loopback, and must neither be throttled by nor drain the bucket of a real client on 127.0.0.1. The header carries
 * a random secret that never leaves the process, followed by the synthetic shopper's number; anyone else's header
 * is ignored. The limiters still run for these requests (the code the warm-up is for), and their keys are forgotten
 * when the warm-up ends.
 */
public final class WarmUpPass {
  static final String HEADER = "X-Seckill-Warm-Up";
  static final String IP_KEY_PREFIX = "warm-up:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] secret;

  public WarmUpPass() {
    byte[] random = new byte[24];
    RANDOM.nextBytes(random);
    this.secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
  }

  /** The header value for synthetic shopper {@code n}. */
  String header(long n) {
    return new String(secret, StandardCharsets.US_ASCII) + ":" + n;
  }

  /** The per-IP limiter key of a warm-up request, or null for any other request. */
  public String ipKey(HttpServerRequest request) {
    String value = request.getHeader(HEADER);
    if (value == null) {
      return null;
    }
    int colon = value.indexOf(':');
    if (colon < 0 || !MessageDigest.isEqual(secret, value.substring(0, colon).getBytes(StandardCharsets.US_ASCII))) {
      return null;
    }
    return IP_KEY_PREFIX + value.substring(colon + 1);
  }

  /** Drops every bucket the warm-up created, in both limiters. */
  public static void forgetKeys(RateLimiter perIp, RateLimiter perUser) {
    perIp.forget(key -> key.startsWith(IP_KEY_PREFIX));
    perUser.forget(key -> key.startsWith(WarmUpSales.USER_PREFIX));
  }
}
