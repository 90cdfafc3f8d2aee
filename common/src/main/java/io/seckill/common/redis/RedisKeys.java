package io.seckill.common.redis;

/**
 * The Redis key schema. Every key of one sale carries the hash tag {@code {saleId}}, so each Lua
 * script touches a single cluster slot — a Redis Cluster requirement, and what lets one script do
 * the whole admission atomically. The order status cache sits under the sale's tag too (order ids
 * start with their sale id), so {@code reserve.lua} writes the QUEUED status in the same step.
 *
 * <p>The per-sale methods here name bucket 0, the sale's own tag; a sale split into stock buckets
 * has the same keys under each bucket's tag ({@link Bucket}).
 */
public final class RedisKeys {
  /** Pub/sub channel on which a restock is broadcast to every gateway; the message is the sale id. */
  public static final String RESTOCK_CHANNEL = "seckill:restock";

  private RedisKeys() {
  }

  public static String tag(long saleId) {
    return "seckill:{" + saleId + "}:";
  }

  public static String stock(long saleId) {
    return tag(saleId) + "stock";
  }

  public static String meta(long saleId) {
    return tag(saleId) + "meta";
  }

  public static String buyers(long saleId) {
    return tag(saleId) + "buyers";
  }

  public static String pending(long saleId) {
    return tag(saleId) + "pending";
  }

  public static String returned(long saleId) {
    return tag(saleId) + "returned";
  }

  public static String token(long saleId, String token) {
    return tag(saleId) + "token:" + token;
  }

  /**
   * A proof-of-work nonce handed to one shopper (value: the user id). Under the tag of bucket 0 whatever the
   * sale's split: the challenge belongs to the sale, not to a stock bucket, and one slot keeps its use atomic.
   */
  public static String challenge(long saleId, String nonce) {
    return tag(saleId) + "challenge:" + nonce;
  }

  public static String spilled(long saleId) {
    return tag(saleId) + "spilled";
  }

  /** The order's status hash, under the tag of the bucket its id names. */
  public static String order(String orderId) {
    return Bucket.of(orderId).order(orderId);
  }

  /** Idempotency-Key records are per user; kept under the sale's tag as the request belongs to it. */
  public static String idempotency(long saleId, String userId, String key) {
    return tag(saleId) + "idem:" + userId + ":" + key;
  }
}
