package io.seckill.common.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Giving a reservation back, the same way from every service (gateway after a failed Kafka send,
 * order consumer after the database refused the order, stock-service's reconciler for orphans):
 * {@code release.lua} in the order's own bucket, then, for an order a split sale took outside the
 * shopper's home bucket, the home bucket's pointer to it is dropped ({@code spill.lua FORGET}) so
 * the shopper may buy again. Both steps are idempotent; a caller retries the whole call.
 */
public final class Reservations {
  private Reservations() {
  }

  /**
   * @return release.lua's answer: {released (1|0), stock of the order's bucket after}
   */
  public static Future<Response> release(RedisAPI redis, String orderId, String userId, int quantity, String status,
                                         String reason, int statusTtlS) {
    Bucket bucket = Bucket.of(orderId);
    List<String> keys = List.of(bucket.stock(), bucket.buyers(), bucket.pending(), bucket.order(orderId),
        bucket.version());
    List<String> args = List.of(orderId, userId == null ? "" : userId, Integer.toString(quantity), status, reason,
        Integer.toString(statusTtlS));
    return SeckillScripts.RELEASE.run(redis, keys, args)
        .compose(result -> userId == null || userId.isEmpty() ? Future.succeededFuture(result)
            : forgetSpill(redis, bucket, userId, orderId).map(result));
  }

  /** An order PostgreSQL holds, as persisted.lua takes it. */
  public record Persisted(String orderId, String userId, int quantity, String status) {
  }

  /**
   * persisted.lua for orders of one stock bucket: out of {@code pending}, cached status moved forward from
   * QUEUED only. Idempotent; one script call for the whole list.
   *
   * @return how many cached statuses changed
   */
  public static Future<Response> persisted(RedisAPI redis, Bucket bucket, List<Persisted> orders, int statusTtlS) {
    List<String> keys = new java.util.ArrayList<>(orders.size() + 2);
    List<String> args = new java.util.ArrayList<>(orders.size() * 4 + 1);
    keys.add(bucket.pending());
    keys.add(bucket.version());
    args.add(Integer.toString(statusTtlS));
    for (Persisted order : orders) {
      keys.add(bucket.order(order.orderId()));
      args.add(order.orderId());
      args.add(order.userId());
      args.add(Integer.toString(order.quantity()));
      args.add(order.status());
    }
    return SeckillScripts.PERSISTED.run(redis, keys, args);
  }

  /** After a reservation in a bucket other than the shopper's home: the pointer home keeps to it. */
  public static Future<Response> recordSpill(RedisAPI redis, Bucket home, String userId, String orderId) {
    return SeckillScripts.SPILL.run(redis, List.of(home.spilled()), List.of("SET", userId, orderId));
  }

  /**
   * Drops a shopper's buyers entry and spilled pointer in the home bucket, each only if it still names
   * {@code orderId}: the order failed, so neither may hold the shopper any longer (spill.lua FORGET is a
   * compare-and-delete on any hash of the slot).
   */
  public static Future<Void> forgetFailed(RedisAPI redis, Bucket home, String userId, String orderId) {
    return SeckillScripts.SPILL.run(redis, List.of(home.buyers()), List.of("FORGET", userId, orderId))
        .compose(x -> SeckillScripts.SPILL.run(redis, List.of(home.spilled()), List.of("FORGET", userId, orderId)))
        .mapEmpty();
  }

  private static Future<Void> forgetSpill(RedisAPI redis, Bucket bucket, String userId, String orderId) {
    // The bucket count lives in the sale's root meta; an unsplit sale (no field) has no pointers.
    return redis.hget(Bucket.root(bucket.saleId()).meta(), "buckets").compose(field -> {
      int buckets = field == null ? 1 : field.toInteger();
      Bucket home = Bucket.home(bucket.saleId(), userId, buckets);
      if (buckets <= 1 || home.equals(bucket)) {
        return Future.succeededFuture();
      }
      return SeckillScripts.SPILL.run(redis, List.of(home.spilled()), List.of("FORGET", userId, orderId)).mapEmpty();
    });
  }
}
