package io.seckill.stock.sale;

import io.seckill.common.redis.Bucket;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes the snapshot a warm-up rebuilds a sale from, in the order that makes it safe: each bucket's version first,
 * then the orders Redis holds as pending, then PostgreSQL in one REPEATABLE READ transaction. warmup.lua refuses a
 * bucket whose version moved since, so an order that left {@code pending} after its commit is never missed.
 */
final class WarmupSnapshot {
  private final Pool pool;
  private final RedisAPI redis;

  WarmupSnapshot(Pool pool, RedisAPI redis) {
    this.pool = pool;
    this.redis = redis;
  }

  /** An order of the sale as the snapshot knows it. */
  record Held(String userId, String orderId) {
  }

  /**
   * One snapshot of a sale.
   *
   * @param sale             the sale row as the snapshot's transaction read it
   * @param persistedPending the pending orders that are rows already
   * @param live             what Redis said before the database was read
   */
  record Snapshot(Sale sale, List<Held> buyers, List<String> returned, List<String> persistedPending,
                  List<String> blocked, Live live) {
    Map<Bucket, String> versions() {
      return live.versions();
    }

    /** Pending orders that are not rows yet and whose shopper is known. */
    List<Held> inFlight() {
      Set<String> rows = new HashSet<>(persistedPending);
      return live.pending().stream().filter(p -> p.userId() != null && !rows.contains(p.orderId())).toList();
    }
  }

  /** What warmup.lua gets for one bucket, besides the sale and the blocklist. */
  record BucketRows(List<String> buyerPairs, List<String> spilledPairs, List<String> returned,
                    List<String> persistedPending) {
    BucketRows() {
      this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
  }

  /** What Redis said before the database was read: each bucket's version, then its pending orders. */
  record Live(Map<Bucket, String> versions, List<Held> pending) {
  }

  Future<Snapshot> take(Sale sale) {
    return versions(sale)
        .compose(versions -> inFlight(sale).map(pending -> new Live(versions, pending)))
        .compose(live -> readDb(sale.saleId(), live));
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

  private Future<Snapshot> readDb(long saleId, Live live) {
    DbRows rows = new DbRows(saleId, live.pending());
    return pool.withTransaction(tx -> tx.query(SaleQueries.SNAPSHOT_READS).execute()
        .compose(ignored -> rows.readSale(tx))
        .compose(ignored -> rows.readBuyers(tx))
        .compose(ignored -> rows.readReturned(tx))
        .compose(ignored -> rows.readPersisted(tx))
        .compose(ignored -> rows.readBlocked(tx))
        .map(ignored -> rows.snapshot(live)));
  }

  /** The database half of a snapshot, filled one query at a time inside the snapshot's transaction. */
  private static final class DbRows {
    private final long saleId;
    private final List<Held> pending;
    private Sale sale;
    private final List<Held> buyers = new ArrayList<>();
    private final List<String> returned = new ArrayList<>();
    private final List<String> persisted = new ArrayList<>();
    private final List<String> blocked = new ArrayList<>();

    DbRows(long saleId, List<Held> pending) {
      this.saleId = saleId;
      this.pending = pending;
    }

    Future<Void> readSale(SqlConnection tx) {
      return Sale.load(tx, saleId).map(fresh -> {
        sale = fresh;
        return null;
      });
    }

    Future<Void> readBuyers(SqlConnection tx) {
      return tx.preparedQuery(SaleQueries.BUYERS).execute(Tuple.of(saleId)).map(rows -> {
        rows.forEach(row -> buyers.add(new Held(row.getString("user_id"), row.getString("order_id"))));
        return null;
      });
    }

    Future<Void> readReturned(SqlConnection tx) {
      return tx.preparedQuery(SaleQueries.RETURNED_ORDER_IDS).execute(Tuple.of(saleId)).map(rows -> {
        rows.forEach(row -> returned.add(row.getString("order_id")));
        return null;
      });
    }

    /** Which of the pending orders are rows already. */
    Future<Void> readPersisted(SqlConnection tx) {
      String[] pendingIds = pending.stream().map(Held::orderId).toArray(String[]::new);
      return tx.preparedQuery(SaleQueries.ORDERS_AMONG).execute(Tuple.of(saleId).addArrayOfString(pendingIds))
          .map(rows -> {
            rows.forEach(row -> persisted.add(row.getString("order_id")));
            return null;
          });
    }

    Future<Void> readBlocked(SqlConnection tx) {
      return tx.query(SaleQueries.BLOCKED_USERS).execute().map(rows -> {
        rows.forEach(row -> blocked.add(row.getString("user_id")));
        return null;
      });
    }

    Snapshot snapshot(Live live) {
      return new Snapshot(sale, buyers, returned, persisted, blocked, live);
    }
  }

  /** The snapshot split by bucket: where each order was taken, and the pointers of shoppers at home elsewhere. */
  static Map<Bucket, BucketRows> partition(Snapshot s) {
    Sale sale = s.sale();
    Map<Bucket, BucketRows> parts = new HashMap<>();
    for (Bucket b : sale.buckets()) {
      parts.put(b, new BucketRows());
    }
    for (Held h : s.buyers()) {
      Bucket taken = Bucket.of(h.orderId());
      part(parts, taken).buyerPairs().addAll(List.of(h.userId(), h.orderId()));
      spill(parts, sale, h);
    }
    for (Held h : s.inFlight()) {
      // Its buyers entry is re-added by warmup.lua from the order's own status hash.
      spill(parts, sale, h);
    }
    s.returned().forEach(id -> part(parts, Bucket.of(id)).returned().add(id));
    s.persistedPending().forEach(id -> part(parts, Bucket.of(id)).persistedPending().add(id));
    return parts;
  }

  private static void spill(Map<Bucket, BucketRows> parts, Sale sale, Held h) {
    Bucket home = Bucket.home(sale.saleId(), h.userId(), sale.stockBuckets());
    if (!home.equals(Bucket.of(h.orderId()))) {
      part(parts, home).spilledPairs().addAll(List.of(h.userId(), h.orderId()));
    }
  }

  /** An order id naming a bucket the sale does not have (never written by a gateway) still lands somewhere. */
  private static BucketRows part(Map<Bucket, BucketRows> parts, Bucket b) {
    return parts.computeIfAbsent(b, x -> new BucketRows());
  }
}
