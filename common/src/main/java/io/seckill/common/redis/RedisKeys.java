package io.seckill.common.redis;

/**
 * The Redis keys that belong to no stock bucket: the restock channel, a sale's proof-of-work nonces and
 * Idempotency-Key records, and the way from an order id to its status key. Every key of a sale's stock lives in
 * {@link Bucket}, the one key schema ({@code Bucket.root(saleId)} is an unsplit sale's, under the tag
 * {@code {saleId}}, so each Lua script touches a single cluster slot).
 */
public final class RedisKeys {
  /** Pub/sub channel on which a restock is broadcast to every gateway; the message is the sale id. */
  public static final String RESTOCK_CHANNEL = "seckill:restock";

  private RedisKeys() {
  }

  /**
   * A proof-of-work nonce handed to one shopper (value: the user id). Under the tag of bucket 0 whatever the
   * sale's split: the challenge belongs to the sale, not to a stock bucket, and one slot keeps its use atomic.
   */
  public static String challenge(long saleId, String nonce) {
    return Bucket.root(saleId).tag() + "challenge:" + nonce;
  }

  /** The order's status hash, under the tag of the bucket its id names. */
  public static String order(String orderId) {
    return Bucket.of(orderId).order(orderId);
  }

  /** Idempotency-Key records are per user; kept under the sale's tag as the request belongs to it. */
  public static String idempotency(long saleId, String userId, String key) {
    return Bucket.root(saleId).tag() + "idem:" + userId + ":" + key;
  }
}
