package io.seckill.common.warmup;

import io.seckill.common.redis.Bucket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sale ids and shopper ids the start-up warm-up uses, so its synthetic traffic can never touch a real sale or
 * shopper. Sale ids from {@link #FIRST_RESERVED} up are reserved: stock-service's identity sequence stops below them
 * (migration V3 sets its MAXVALUE), and the gateway sends every order of such a sale to the warm-up topic, never to
 * the orders topic. Each warm-up picks fresh random ids in the range, so two services warming at once against the
 * same Redis never share a key.
 */
public final class WarmUpSales {
  /** 9 * 10^18: the first reserved sale id (the identity sequence's MAXVALUE is one below). */
  public static final long FIRST_RESERVED = 9_000_000_000_000_000_000L;
  /** Prefix of every synthetic shopper id. */
  public static final String USER_PREFIX = "seckill-warm-up-";

  private WarmUpSales() {
  }

  public static boolean isReserved(long saleId) {
    return saleId >= FIRST_RESERVED;
  }

  /** A fresh reserved sale id. */
  public static long pick() {
    return FIRST_RESERVED + ThreadLocalRandom.current().nextLong(100_000_000_000_000_000L);
  }

  /** Every fixed key of a warm-up sale's root bucket (order status keys are per order, see {@link Bucket#order}). */
  public static List<String> fixedKeys(long saleId) {
    return Bucket.root(saleId).fixedKeys();
  }
}
