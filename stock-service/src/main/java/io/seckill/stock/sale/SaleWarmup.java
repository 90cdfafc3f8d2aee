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
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
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

  public SaleWarmup(Pool pool, RedisAPI redis, RestockPublisher restock) {
    this.pool = pool;
    this.redis = redis;
    this.restock = restock;
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
    // Fail closed on Redis and PostgreSQL alike: a half-built state would admit wrongly.
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
    return versions(sale)
        .compose(versions -> inFlight(sale).compose(pending -> snapshot(sale, pending, versions)))
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

  /** Each bucket's version, read before the pending orders and the database snapshot. */
  private Future<Map<Bucket, String>> versions(Sale sale) {
    List<Bucket> buckets = sale.buckets();
    List<Future<Response>> reads = buckets.stream().map(b -> redis.get(b.version())).toList();
    return Future.all(reads).map(all -> {
      Map<Bucket, String> versions = new HashMap<>();
      for (int i = 0; i < buckets.size(); i++) {
        Response v = reads.get(i).result();
        versions.put(buckets.get(i), v == null ? "0" : v.toString());
      }
      return versions;
    });
  }

  /** An order of the sale as the snapshot knows it. */
  private record Held(String userId, String orderId) {
  }

  private record Snapshot(Sale sale, List<Held> buyers, List<String> returned, List<String> persistedPending,
                          List<Held> inFlight, Map<Bucket, String> versions, List<String> blocked) {
  }

  /** Every bucket's pending order ids with the shopper each belongs to (null when its status hash expired). */
  private Future<List<Held>> inFlight(Sale sale) {
    List<Future<List<Held>>> perBucket = new ArrayList<>();
    for (Bucket b : sale.buckets()) {
      perBucket.add(redis.zrange(List.of(b.pending(), "0", "-1")).compose(ids -> {
        List<Future<Held>> reads = new ArrayList<>();
        for (Response id : ids) {
          String orderId = id.toString();
          reads.add(redis.hget(b.order(orderId), "userId")
              .map(user -> new Held(user == null ? null : user.toString(), orderId)));
        }
        return Future.all(reads).map(all -> reads.stream().map(Future::result).toList());
      }));
    }
    return Future.all(perBucket).map(all -> perBucket.stream().flatMap(f -> f.result().stream()).toList());
  }

  private Future<Snapshot> snapshot(Sale sale, List<Held> pending, Map<Bucket, String> versions) {
    long saleId = sale.saleId();
    String[] pendingIds = pending.stream().map(Held::orderId).toArray(String[]::new);
    return pool.withTransaction(tx -> tx.query(SaleQueries.SNAPSHOT_READS).execute()
        .compose(ignored -> Sale.load(tx, saleId))
        .compose(fresh -> tx.preparedQuery(SaleQueries.BUYERS).execute(Tuple.of(saleId)).compose(buyers ->
            tx.preparedQuery(SaleQueries.RETURNED_ORDER_IDS).execute(Tuple.of(saleId)).compose(returned ->
                tx.preparedQuery(SaleQueries.ORDERS_AMONG).execute(Tuple.of(saleId).addArrayOfString(pendingIds)).compose(persisted ->
                tx.query(SaleQueries.BLOCKED_USERS).execute().map(blockedRows -> {
                  List<Held> held = new ArrayList<>();
                  for (Row row : buyers) {
                    held.add(new Held(row.getString("user_id"), row.getString("order_id")));
                  }
                  List<String> returnedIds = new ArrayList<>();
                  returned.forEach(row -> returnedIds.add(row.getString("order_id")));
                  List<String> persistedIds = new ArrayList<>();
                  persisted.forEach(row -> persistedIds.add(row.getString("order_id")));
                  java.util.Set<String> rows = new java.util.HashSet<>(persistedIds);
                  List<Held> stillInFlight = pending.stream()
                      .filter(p -> p.userId() != null && !rows.contains(p.orderId())).toList();
                  List<String> blocked = new ArrayList<>();
                  blockedRows.forEach(row -> blocked.add(row.getString("user_id")));
                  return new Snapshot(fresh, held, returnedIds, persistedIds, stillInFlight, versions, blocked);
                }))))));
  }

  /** What warmup.lua gets for one bucket. */
  private static final class BucketPart {
    final List<String> buyerPairs = new ArrayList<>();
    final List<String> spilledPairs = new ArrayList<>();
    final List<String> returned = new ArrayList<>();
    final List<String> persistedPending = new ArrayList<>();
  }

  private static Map<Bucket, BucketPart> partition(Snapshot s) {
    Sale sale = s.sale();
    Map<Bucket, BucketPart> parts = new HashMap<>();
    for (Bucket b : sale.buckets()) {
      parts.put(b, new BucketPart());
    }
    for (Held h : s.buyers()) {
      Bucket taken = Bucket.of(h.orderId());
      part(parts, taken).buyerPairs.addAll(List.of(h.userId(), h.orderId()));
      spill(parts, sale, h);
    }
    for (Held h : s.inFlight()) {
      // Its buyers entry is re-added by warmup.lua from the order's own status hash.
      spill(parts, sale, h);
    }
    s.returned().forEach(id -> part(parts, Bucket.of(id)).returned.add(id));
    s.persistedPending().forEach(id -> part(parts, Bucket.of(id)).persistedPending.add(id));
    return parts;
  }

  private static void spill(Map<Bucket, BucketPart> parts, Sale sale, Held h) {
    Bucket home = Bucket.home(sale.saleId(), h.userId(), sale.stockBuckets());
    if (!home.equals(Bucket.of(h.orderId()))) {
      part(parts, home).spilledPairs.addAll(List.of(h.userId(), h.orderId()));
    }
  }

  /** An order id naming a bucket the sale does not have (never written by a gateway) still lands somewhere. */
  private static BucketPart part(Map<Bucket, BucketPart> parts, Bucket b) {
    return parts.computeIfAbsent(b, x -> new BucketPart());
  }

  /** Bucket i's even share of {@code remaining}; the first {@code remaining % n} buckets get one more. */
  static int share(int remaining, int buckets, int index) {
    return remaining / buckets + (index < remaining % buckets ? 1 : 0);
  }

  private Future<JsonObject> run(Snapshot s, boolean force) {
    Sale sale = s.sale();
    Map<Bucket, BucketPart> parts = partition(s);
    List<Bucket> buckets = sale.buckets();
    JsonArray perBucket = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (Bucket b : buckets) {
      boolean forceThis = force || b.index() > 0;
      String version = s.versions().getOrDefault(b, "0");
      chain = chain.compose(x -> runBucket(sale, b, parts.get(b), forceThis, version, s.blocked()).map(report -> {
        perBucket.add(report);
        return null;
      }));
    }
    return chain.compose(x -> {
      JsonObject report = new JsonObject()
          .put("saleId", sale.saleId())
          .put("previousStock", sumOrNull(perBucket, "previousStock"))
          .put("stock", sum(perBucket, "stock"))
          .put("inFlightOrders", sum(perBucket, "inFlightOrders"))
          .put("inFlightUnits", sum(perBucket, "inFlightUnits"))
          .put("buyers", s.buyers().size())
          .put("returned", s.returned().size())
          .put("forced", force)
          .put("stockBuckets", buckets.size());
      if (buckets.size() > 1) {
        report.put("buckets", perBucket);
      }
      return restock.publish(sale.saleId()).map(report);
    });
  }

  private Future<JsonObject> runBucket(Sale sale, Bucket b, BucketPart part, boolean force, String version,
                                       List<String> blocked) {
    List<String> keys = List.of(b.stock(), b.meta(), b.buyers(), b.pending(), b.returned(), b.spilled(), b.version(),
        b.blocked());
    List<String> args = new ArrayList<>();
    args.add(force ? "1" : "0");
    args.add(b.tag());
    args.add(Long.toString(sale.startsAt().toEpochMilli()));
    args.add(Long.toString(sale.endsAt().toEpochMilli()));
    args.add(Integer.toString(sale.perUserLimit()));
    args.add(sale.requireToken() ? "1" : "0");
    args.add(Long.toString(sale.priceCents()));
    args.add(sale.itemName());
    args.add(Integer.toString(sale.paymentTimeoutS()));
    args.add(Integer.toString(share(sale.remaining(), sale.stockBuckets(), b.index())));
    args.add(Integer.toString(sale.stockBuckets()));
    args.add(version);
    // The operator's pause and end travel with the rest of the meta (the end as the effective endsAt above).
    args.add(sale.paused() ? "1" : "0");
    args.add(Integer.toString(part.buyerPairs.size() / 2));
    args.addAll(part.buyerPairs);
    args.add(Integer.toString(part.returned.size()));
    args.addAll(part.returned);
    args.add(Integer.toString(part.persistedPending.size()));
    args.addAll(part.persistedPending);
    args.add(Integer.toString(part.spilledPairs.size() / 2));
    args.addAll(part.spilledPairs);
    args.add(Integer.toString(blocked.size()));
    args.addAll(blocked);
    args.add(sale.challengeDifficulty() == null ? "0" : Integer.toString(sale.challengeDifficulty()));
    return SeckillScripts.WARMUP.run(redis, keys, args).compose(result -> {
      if ("MOVED".equals(result.get(0).toString())) {
        return Future.failedFuture(new SnapshotMoved(b.index() > 0));
      }
      if ("LIVE".equals(result.get(0).toString())) {
        long saleId = sale.saleId();
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
