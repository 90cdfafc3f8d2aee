package io.seckill.common.redis;

import io.seckill.common.order.OrderIds;
import java.util.ArrayList;
import java.util.List;

/**
 * One stock bucket of a sale: the unit of Redis state a Lua script works on.
 *
 * <p>A sale keeps its stock in {@code buckets} buckets (1 unless the operator split it). Bucket 0 is
 * the sale's own hash tag, {@code seckill:{42}:}, so an unsplit sale has exactly the keys it always
 * had; bucket {@code b > 0} has its own tag, {@code seckill:{42.b}:}, which Redis Cluster hashes to
 * another slot — that is what spreads one hot sale over several shards. Each bucket holds its own
 * stock, meta copy, buyers, pending, returned and order status hashes, so every script still touches
 * one slot. Order ids carry their bucket ({@code 42.3-<ulid>}), so whoever holds an order id finds its
 * keys without asking anyone.
 *
 * <p>A shopper's <em>home</em> bucket is chosen from the user id; admission tries it first and moves on
 * only when it is empty. An order taken in another bucket leaves a pointer in the home bucket's
 * {@code spilled} hash, so the home bucket alone answers "does this shopper already hold an order".
 */
public record Bucket(long saleId, int index) {
  /** Upper bound on buckets per sale: beyond a few per shard nothing more spreads. */
  public static final int MAX_BUCKETS = 64;

  public Bucket {
    if (index < 0 || index >= MAX_BUCKETS) {
      throw new IllegalArgumentException("bucket index " + index + " out of range");
    }
  }

  /** Bucket 0: the sale's own tag, and the only bucket of an unsplit sale. */
  public static Bucket root(long saleId) {
    return new Bucket(saleId, 0);
  }

  /** Every bucket of a sale split {@code buckets} ways, in index order. */
  public static List<Bucket> all(long saleId, int buckets) {
    List<Bucket> all = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      all.add(new Bucket(saleId, i));
    }
    return all;
  }

  /** The bucket the order was reserved in, from its id. */
  public static Bucket of(String orderId) {
    return new Bucket(OrderIds.saleIdOf(orderId), OrderIds.bucketOf(orderId));
  }

  /**
   * The shopper's home bucket. Stable across processes and restarts (it must be: every gateway and a
   * warm-up must agree), and spread evenly even for sequential ids like {@code user-1, user-2, …}.
   */
  public static Bucket home(long saleId, String userId, int buckets) {
    if (buckets <= 1) {
      return root(saleId);
    }
    int h = userId.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return new Bucket(saleId, Math.floorMod(h, buckets));
  }

  /** The bucket {@code step} places after this one, wrapping around. */
  public Bucket next(int step, int buckets) {
    return new Bucket(saleId, (index + step) % buckets);
  }

  /** What order ids of this bucket start with, before the {@code -}: {@code 42} or {@code 42.3}. */
  public String orderPrefix() {
    return index == 0 ? Long.toString(saleId) : saleId + "." + index;
  }

  public String tag() {
    return "seckill:{" + orderPrefix() + "}:";
  }

  public String stock() {
    return tag() + "stock";
  }

  public String meta() {
    return tag() + "meta";
  }

  public String buyers() {
    return tag() + "buyers";
  }

  /** Hash userId → orderId of shoppers at home here whose order was taken in another bucket. */
  public String spilled() {
    return tag() + "spilled";
  }

  public String pending() {
    return tag() + "pending";
  }

  public String returned() {
    return tag() + "returned";
  }

  /**
   * Counter bumped by every script that takes an order out of {@code pending} after its DB commit or
   * gives stock back (persisted, release, return): a warm-up checks it did not move while it read its
   * database snapshot.
   */
  public String version() {
    return tag() + "version";
  }

  /** Set of blocked user ids: this bucket's copy of the operator's blocklist (reserve.lua checks it). */
  public String blocked() {
    return tag() + "blocked";
  }

  /** Every key of the bucket but the per-order status hashes and one-time tokens. */
  public List<String> fixedKeys() {
    return List.of(stock(), meta(), buyers(), pending(), returned(), version(), spilled(), blocked());
  }

  public String token(String token) {
    return tag() + "token:" + token;
  }

  public String order(String orderId) {
    return tag() + "order:" + orderId;
  }
}
