package io.seckill.infra.stack;

import io.seckill.common.redis.Bucket;
import java.net.URI;
import java.sql.Timestamp;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * A sale put in place directly, for tests of a service that only reads sales (the gateway, the
 * consumer): the {@code sale} row as stock-service's admin API inserts it, and the Redis meta hash
 * and stock as its warm-up writes them. Defaults: "Test item" at 19.99, one unit per shopper, open
 * since a minute ago for an hour, 600 s to pay, no purchase token.
 */
public final class SeededSale {
  private final long saleId;
  private final int stock;
  private String itemName = "Test item";
  private long priceCents = 1999;
  private int perUserLimit = 1;
  private long startsAtMs;
  private long endsAtMs;
  private int paymentTimeoutS = 600;
  private boolean requireToken;

  private SeededSale(long saleId, int stock) {
    this.saleId = saleId;
    this.stock = stock;
    long now = System.currentTimeMillis();
    this.startsAtMs = now - 60_000;
    this.endsAtMs = now + 3_600_000;
  }

  public static SeededSale of(long saleId, int stock) {
    return new SeededSale(saleId, stock);
  }

  public SeededSale itemName(String name) {
    this.itemName = name;
    return this;
  }

  public SeededSale priceCents(long cents) {
    this.priceCents = cents;
    return this;
  }

  public SeededSale perUserLimit(int limit) {
    this.perUserLimit = limit;
    return this;
  }

  /** Open from {@code startsAtMs} to {@code endsAtMs} (epoch ms). */
  public SeededSale window(long startsAtMs, long endsAtMs) {
    this.startsAtMs = startsAtMs;
    this.endsAtMs = endsAtMs;
    return this;
  }

  public SeededSale requireToken(boolean required) {
    this.requireToken = required;
    return this;
  }

  public long saleId() {
    return saleId;
  }

  /** Inserts the {@code sale} row, its remaining stock the whole stock. */
  public SeededSale insertInto(TestDatabase db) {
    db.execute("""
        INSERT INTO sale (sale_id, item_name, price_cents, initial_stock, remaining, per_user_limit, starts_at,
                          ends_at, payment_timeout_s, require_token)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", saleId, itemName, priceCents, stock, stock, perUserLimit,
        new Timestamp(startsAtMs), new Timestamp(endsAtMs), paymentTimeoutS, requireToken);
    return this;
  }

  /** Writes the meta hash and the stock in Redis as the warm-up does. */
  public SeededSale warmInto(String redisUrl) {
    return warmInto(redisUrl, stock);
  }

  /** The same with {@code redisStock} units in Redis (a Redis that lost or gained units against the row). */
  public SeededSale warmInto(String redisUrl, int redisStock) {
    try (Jedis redis = new Jedis(URI.create(redisUrl))) {
      redis.hset(Bucket.root(saleId).meta(), Map.of("startsAt", Long.toString(startsAtMs),
          "endsAt", Long.toString(endsAtMs), "perUserLimit", Integer.toString(perUserLimit),
          "requireToken", requireToken ? "1" : "0", "priceCents", Long.toString(priceCents), "itemName", itemName,
          "paymentTimeoutS", Integer.toString(paymentTimeoutS)));
      redis.set(Bucket.root(saleId).stock(), Integer.toString(redisStock));
    }
    return this;
  }
}
