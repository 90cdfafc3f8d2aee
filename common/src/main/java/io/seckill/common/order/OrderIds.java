package io.seckill.common.order;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Order ids: {@code <saleId>-<26 chars>}, the tail a ULID (48-bit millisecond time + 80 random
 * bits, Crockford base32). Time-ordered, unique across gateway instances without coordination,
 * and carrying the sale id so the order's Redis status sits in the sale's cluster slot.
 */
public final class OrderIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern FORMAT = Pattern.compile("[1-9][0-9]{0,18}-[0-9A-HJKMNP-TV-Z]{26}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private OrderIds() {
  }

  public static String next(long saleId) {
    return saleId + "-" + ulid(System.currentTimeMillis());
  }

  static String ulid(long millis) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[9 - i] = ALPHABET[(int) (millis >>> (i * 5)) & 31];
    }
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (random[i] & 0xff);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (random[i] & 0xff);
    }
    for (int i = 0; i < 8; i++) {
      out[10 + i] = ALPHABET[(int) (hi >>> (35 - i * 5)) & 31];
      out[18 + i] = ALPHABET[(int) (lo >>> (35 - i * 5)) & 31];
    }
    return new String(out);
  }

  /** True when the string has the exact shape of an order id (a cheap guard before any lookup). */
  public static boolean valid(String orderId) {
    return orderId != null && orderId.length() <= 64 && FORMAT.matcher(orderId).matches();
  }

  /** The sale id embedded in a valid order id. */
  public static long saleIdOf(String orderId) {
    return Long.parseLong(orderId.substring(0, orderId.indexOf('-')));
  }
}
