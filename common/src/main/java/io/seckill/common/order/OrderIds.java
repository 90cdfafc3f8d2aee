package io.seckill.common.order;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Order ids: {@code <saleId>-<26 chars>}, or {@code <saleId>.<bucket>-<26 chars>} for an order taken
 * in stock bucket {@code bucket > 0} of a split sale; the tail a ULID (48-bit millisecond time + 80
 * random bits, Crockford base32). Time-ordered, unique across gateway instances without
 * coordination, and carrying the sale id and bucket so the order's Redis status sits in its
 * bucket's cluster slot.
 */
public final class OrderIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern FORMAT = Pattern.compile("[1-9][0-9]{0,18}(\\.[1-9][0-9]?)?-[0-9A-HJKMNP-TV-Z]{26}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private OrderIds() {
  }

  public static String next(long saleId) {
    return saleId + "-" + ulid(System.currentTimeMillis());
  }

  /** A new order id in the given stock bucket of a sale. */
  public static String next(io.seckill.common.redis.Bucket bucket) {
    return bucket.orderPrefix() + "-" + ulid(System.currentTimeMillis());
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
    return orderId != null && orderId.length() <= 64 && FORMAT.matcher(orderId).matches() && saleIdFits(orderId)
        && bucketOf(orderId) < io.seckill.common.redis.Bucket.MAX_BUCKETS;
  }

  /** The pattern admits 19 digits; past 9223372036854775807 they are no sale id (and no NumberFormatException later). */
  private static boolean saleIdFits(String orderId) {
    try {
      saleIdOf(orderId);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The sale id embedded in a valid order id. */
  public static long saleIdOf(String orderId) {
    int dash = orderId.indexOf('-');
    int dot = orderId.indexOf('.');
    return Long.parseLong(orderId.substring(0, dot >= 0 && dot < dash ? dot : dash));
  }

  /** The stock bucket a valid order id was taken in (0 for an unsplit sale). */
  public static int bucketOf(String orderId) {
    int dash = orderId.indexOf('-');
    int dot = orderId.indexOf('.');
    return dot >= 0 && dot < dash ? Integer.parseInt(orderId.substring(dot + 1, dash)) : 0;
  }
}
