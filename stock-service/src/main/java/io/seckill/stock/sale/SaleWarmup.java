package io.seckill.stock.sale;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.stock.returns.RestockPublisher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a sale's Redis state (meta with the operator's pause and end, stock, buyers, spilled pointers,
 * returned, the blocklist) from PostgreSQL with
 * warmup.lua, atomically per stock bucket and idempotently. The reservations in flight are read live
 * inside the script, so the snapshot taken here only needs to say which pending orders are rows already.
 *
 * <p>A split sale is rebuilt bucket by bucket: each bucket gets an even share of the DB remaining, the
 * live orders taken in it, and the pointers of its home shoppers whose order sits in another bucket.
 * Bucket 0 goes first and alone decides whether a live sale is refused; once it is rebuilt the others
 * follow with force, so a warm-up never stops half way on purpose.
 *
 * <p>Live traffic and the snapshot: an order committed after the snapshot and taken out of {@code pending}
 * before warmup.lua runs would be neither a row of the snapshot nor in flight, so its unit would be
 * counted back into stock and its shopper forgotten. Every script that takes an order out of pending
 * after its commit (or gives stock back) bumps the bucket's version; the versions are read before the
 * snapshot and warmup.lua refuses when one moved. The whole warm-up is then retried from a fresh
 * snapshot, a bounded number of times.
 */
public final class SaleWarmup {
  /** Attempts before a warm-up of a sale too busy to hold still answers 503 (each attempt takes milliseconds). */
  static final int ATTEMPTS = 20;

  private final Pool pool;
  private final RedisAPI redis;
  private final RestockPublisher restock;
  private final WarmupSnapshot snapshots;

  public SaleWarmup(Pool pool, RedisAPI redis, RestockPublisher restock) {
    this.pool = pool;
    this.redis = redis;
    this.restock = restock;
    this.snapshots = new WarmupSnapshot(pool, redis);
  }

  /**
   * A sale just created: nobody can have reserved in it yet (reserve.lua refuses a sale without meta),
   * so whatever Redis holds under its id is a leftover of an earlier database and is dropped first —
   * including {@code pending}, which a warm-up would otherwise count as in flight.
   */
  Future<JsonObject> warmupNew(Sale sale) {
    // One DEL per bucket: a bucket's keys share a slot, different buckets do not.
    List<Future<Response>> deletes = new ArrayList<>();
    for (Bucket b : sale.buckets()) {
      deletes.add(redis.del(b.fixedKeys()));
    }
    return Future.all(deletes).compose(deleted -> warmup(sale.saleId(), true));
  }

  /**
   * Drops every key of the sale's buckets {@code from} (inclusive) to {@code to} (exclusive): buckets an edit of an
   * unopened sale added (leftovers of an earlier database would count as in flight) or removed (their meta would
   * outlive them). Only for a sale that has not opened: nobody can hold a reservation in them.
   */
  Future<Void> dropBuckets(long saleId, int from, int to) {
    List<Future<Response>> deletes = new ArrayList<>();
    for (int i = from; i < to; i++) {
      deletes.add(redis.del(new Bucket(saleId, i).fixedKeys()));
    }
    return Future.all(deletes).mapEmpty();
  }

  Future<JsonObject> warmup(long saleId, boolean force) {
    // Fail-closed: on Redis and PostgreSQL alike, since a half-built state would admit wrongly.
    return pool.withConnection(c -> Sale.load(c, saleId)).compose(sale -> attempt(sale, force, 1));
  }

  /** Thrown by a bucket whose version moved since the snapshot: the warm-up starts over. */
  private static final class SnapshotMoved extends RuntimeException {
    /** Whether buckets before the one that moved were rebuilt already (then the retry must force). */
    final boolean rebuiltSome;

    SnapshotMoved(boolean rebuiltSome) {
      super(null, null, false, false);
      this.rebuiltSome = rebuiltSome;
    }
  }

  private Future<JsonObject> attempt(Sale sale, boolean force, int attempt) {
    return snapshots.take(sale)
        .compose(snapshot -> run(snapshot, force))
        .recover(failure -> {
          if (!(failure instanceof SnapshotMoved moved)) {
            return Future.failedFuture(failure);
          }
          if (attempt >= ATTEMPTS) {
            return Future.failedFuture(ProblemException.unavailable("sale " + sale.saleId() + " kept changing during "
                + ATTEMPTS + " warm-up attempts (each bucket is only ever rebuilt from a snapshot nothing moved under); retry"
                + " shortly", 1));
          }
          // Buckets already rebuilt in this attempt are rebuilt again from the fresh snapshot (force); if none
          // was, the retry keeps the caller's choice, so a live sale is still refused without force.
          return attempt(sale, force || moved.rebuiltSome, attempt + 1);
        });
  }

  /** Bucket by bucket, bucket 0 first; then the report over all of them, and the restock broadcast. */
  private Future<JsonObject> run(WarmupSnapshot.Snapshot s, boolean force) {
    Sale sale = s.sale();
    Map<Bucket, WarmupSnapshot.BucketRows> parts = WarmupSnapshot.partition(s);
    JsonArray perBucket = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (Bucket b : sale.buckets()) {
      WarmupArgs args = new WarmupArgs(sale, b, force || b.index() > 0, s.versions().getOrDefault(b, "0"), parts.get(b),
          s.blocked());
      chain = chain.compose(x -> runBucket(args)).map(report -> {
        perBucket.add(report);
        return null;
      });
    }
    return chain.map(x -> report(s, force, perBucket)).compose(report -> restock.publish(sale.saleId()).map(report));
  }

  private Future<JsonObject> runBucket(WarmupArgs args) {
    return SeckillScripts.WARMUP.run(redis, args.keys(), args.toArgv()).compose(result -> {
      Bucket b = args.bucket();
      if ("MOVED".equals(result.get(0).toString())) {
        return Future.failedFuture(new SnapshotMoved(b.index() > 0));
      }
      if ("LIVE".equals(result.get(0).toString())) {
        long saleId = args.sale().saleId();
        return Future.failedFuture(new ProblemException(ErrorCode.SALE_LIVE, "sale " + saleId
            + " is open and Redis holds its live stock (" + result.get(1).toLong() + " units) with reservations in"
            + " progress; a warm-up would overwrite them. Retry with ?force=true to rebuild from the database anyway",
            new JsonObject().put("saleId", saleId).put("redisStock", result.get(1).toLong()), Map.of()));
      }
      return Future.succeededFuture(new JsonObject()
          .put("bucket", b.index())
          .put("previousStock", result.get(1).toLong() < 0 ? null : result.get(1).toLong())
          .put("stock", result.get(2).toLong())
          .put("inFlightOrders", result.get(3).toLong())
          .put("inFlightUnits", result.get(4).toLong()));
    });
  }

  private static JsonObject report(WarmupSnapshot.Snapshot s, boolean force, JsonArray perBucket) {
    JsonObject report = new JsonObject()
        .put("saleId", s.sale().saleId())
        .put("previousStock", sumOrNull(perBucket, "previousStock"))
        .put("stock", sum(perBucket, "stock"))
        .put("inFlightOrders", sum(perBucket, "inFlightOrders"))
        .put("inFlightUnits", sum(perBucket, "inFlightUnits"))
        .put("buyers", s.buyers().size())
        .put("returned", s.returned().size())
        .put("forced", force)
        .put("stockBuckets", perBucket.size());
    if (perBucket.size() > 1) {
      report.put("buckets", perBucket);
    }
    return report;
  }

  private static long sum(JsonArray reports, String field) {
    long total = 0;
    for (int i = 0; i < reports.size(); i++) {
      Long v = reports.getJsonObject(i).getLong(field);
      total += v == null ? 0 : v;
    }
    return total;
  }

  /** Null when no bucket had a stock before (a fresh sale), else the sum of those that had. */
  private static Long sumOrNull(JsonArray reports, String field) {
    boolean any = false;
    for (int i = 0; i < reports.size(); i++) {
      any |= reports.getJsonObject(i).getLong(field) != null;
    }
    return any ? sum(reports, field) : null;
  }
}
