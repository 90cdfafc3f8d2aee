package io.seckill.stock.reconcile;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.stock.sale.Sale;
import io.seckill.stock.sale.SaleQueries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a sale's stock from Redis (every stock bucket of it) and then from PostgreSQL. Redis is read first on purpose: an order
 * persisted meanwhile leaves {@code pending} only after its DB commit, so the DB read sees every
 * order Redis no longer counts as in flight — the snapshot can over-count in-flight units, never under.
 */
public final class StockProbe {
  private final Pool pool;
  private final RedisAPI redis;

  public StockProbe(Pool pool, RedisAPI redis) {
    this.pool = pool;
    this.redis = redis;
  }

  /**
   * What the reconciler compares and heals from: Redis' stock, buyers and pending entries, and PostgreSQL's
   * remaining stock, in-flight orders and unapplied returns. No order or payment totals ({@code dbTotals} is null):
   * each is an aggregate over every order of the sale (with no index on the sale alone, a scan of the orders table),
   * which the drift does not use and which a pass would otherwise run twice per active sale every few seconds,
   * beside the sale's own inserts.
   */
  public Future<StockSnapshot> probe(long saleId) {
    return probe(saleId, false);
  }

  /** The operator's view of a sale: {@link #probe} plus the order totals per status and the payments per outcome. */
  public Future<StockSnapshot> report(long saleId) {
    return probe(saleId, true);
  }

  private Future<StockSnapshot> probe(long saleId, boolean withTotals) {
    // The bucket count comes from the DB; the Redis reads still precede the snapshot's DB reads.
    return pool.withConnection(c -> Sale.load(c, saleId)).compose(sale -> probe(sale, withTotals));
  }

  private Future<StockSnapshot> probe(Sale sale, boolean withTotals) {
    long saleId = sale.saleId();
    // Fail-closed: without Redis there is no snapshot to report or heal from.
    List<Future<BucketPart>> parts = sale.buckets().stream().map(this::readBucket).toList();
    return Future.all(parts).compose(all -> {
      List<Long> stocks = new ArrayList<>();
      long buyers = parts.stream().mapToLong(part -> part.result().buyers()).sum();
      List<Cached> cached = new ArrayList<>();
      java.util.Set<String> returned = new java.util.HashSet<>();
      for (Future<BucketPart> part : parts) {
        stocks.add(part.result().stock());
        cached.addAll(part.result().pending());
        returned.addAll(part.result().returned());
      }
      return readDb(saleId, cached, returned, withTotals).map(db -> new StockSnapshot(db.sale, stocks, buyers, db.pending,
          db.totals, db.unapplied));
    });
  }

  /** One bucket's Redis view; {@code returned} is read right after the stock, so it is at least as new. */
  private record BucketPart(Long stock, long buyers, List<Cached> pending, java.util.Set<String> returned) {
  }

  private Future<BucketPart> readBucket(Bucket b) {
    return redis.get(b.stock()).compose(stock -> redis.smembers(b.returned()).compose(returned ->
        redis.hlen(b.buyers()).compose(buyers ->
            redis.zrange(List.of(b.pending(), "0", "-1", "WITHSCORES")).compose(pending -> cachedOrders(b, pending)
                .map(cached -> new BucketPart(stock == null ? null : stock.toLong(), buyers.toLong(), cached,
                    members(returned)))))));
  }

  private static java.util.Set<String> members(Response set) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    if (set != null) {
      set.forEach(id -> ids.add(id.toString()));
    }
    return ids;
  }

  private record Cached(String orderId, long reservedAt, String userId, Integer quantity) {
  }

  private record DbPart(Sale sale, List<StockSnapshot.PendingEntry> pending, JsonObject totals, long unapplied) {
  }

  /** Order status hashes read per {@link SeckillScripts#PENDING_ORDERS} call: well under a millisecond of Redis each. */
  static final int HASHES_PER_CALL = 500;

  /**
   * The cached userId and quantity of every pending entry, {@link #HASHES_PER_CALL} hashes per script call: a
   * consumer's backlog of tens of thousands of orders is a few dozen round trips a probe, not one per order.
   */
  private Future<List<Cached>> cachedOrders(Bucket bucket, Response pending) {
    List<String> ids = new ArrayList<>();
    List<Long> scores = new ArrayList<>();
    flattenScores(pending, ids, scores);
    List<Future<Response>> reads = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += HASHES_PER_CALL) {
      List<String> keys = ids.subList(from, Math.min(ids.size(), from + HASHES_PER_CALL)).stream().map(bucket::order).toList();
      reads.add(SeckillScripts.PENDING_ORDERS.run(redis, keys, List.of()));
    }
    return Future.all(reads).map(all -> {
      List<Cached> cached = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        Response chunk = reads.get(i / HASHES_PER_CALL).result();
        int at = 2 * (i % HASHES_PER_CALL);
        String userId = chunk.get(at).toString();
        String quantity = chunk.get(at + 1).toString();
        cached.add(new Cached(ids.get(i), scores.get(i), userId.isEmpty() ? null : userId,
            quantity.isEmpty() ? null : Integer.valueOf(quantity)));
      }
      return cached;
    });
  }

  /** ZRANGE WITHSCORES answers [id, score, ...] under RESP2 and [[id, score], ...] under RESP3. */
  private static void flattenScores(Response pending, List<String> ids, List<Long> scores) {
    for (int i = 0; i < pending.size(); i++) {
      Response item = pending.get(i);
      if (item.isArray()) {
        ids.add(item.get(0).toString());
        scores.add(item.get(1).toDouble().longValue());
      } else {
        ids.add(item.toString());
        scores.add(pending.get(++i).toDouble().longValue());
      }
    }
  }

  /**
   * The DB half of the snapshot. Unapplied units are the returns the DB committed whose order id was not in
   * Redis' {@code returned} set when the stock was read: return.lua adds the id and the units in one step, so
   * a return already applied to Redis (but not yet marked applied in the DB) is not subtracted a second time.
   */
  private Future<DbPart> readDb(long saleId, List<Cached> cached, java.util.Set<String> returnedInRedis,
                                boolean withTotals) {
    String[] ids = cached.stream().map(Cached::orderId).toArray(String[]::new);
    // Fail-closed: the DB is the authority; nothing is reported or healed without it.
    return pool.withTransaction(tx -> tx.query(SaleQueries.SNAPSHOT_READS).execute()
        .compose(ignored -> Sale.load(tx, saleId))
        .compose(sale -> (withTotals ? totals(tx, saleId) : Future.<JsonObject>succeededFuture(null)).compose(totals ->
            tx.preparedQuery(SaleQueries.ORDERS_AMONG).execute(Tuple.of(saleId).addArrayOfString(ids)).compose(rows ->
                tx.preparedQuery(ReconcileQueries.UNAPPLIED_RETURNS_OF_SALE).execute(Tuple.of(saleId)).map(unapplied -> {
                  Map<String, Row> byId = new HashMap<>();
                  rows.forEach(row -> byId.put(row.getString("order_id"), row));
                  List<StockSnapshot.PendingEntry> entries = cached.stream().map(c -> entry(c, byId.get(c.orderId()))).toList();
                  long unappliedUnits = 0;
                  for (Row row : unapplied) {
                    if (!returnedInRedis.contains(row.getString("order_id"))) {
                      unappliedUnits += row.getInteger("quantity");
                    }
                  }
                  return new DbPart(sale, entries, totals, unappliedUnits);
                })))));
  }

  /** The sale's units and orders per status, and its payment callbacks per outcome, in the snapshot's transaction. */
  private static Future<JsonObject> totals(SqlConnection tx, long saleId) {
    return tx.preparedQuery(ReconcileQueries.ORDER_TOTALS_BY_STATUS).execute(Tuple.of(saleId)).compose(totals ->
        tx.preparedQuery(ReconcileQueries.PAYMENTS_BY_OUTCOME).execute(Tuple.of(saleId))
            .map(payments -> totalsJson(totals).put("payments", paymentsJson(payments))));
  }

  private static StockSnapshot.PendingEntry entry(Cached c, Row row) {
    return new StockSnapshot.PendingEntry(c.orderId(), c.reservedAt(), c.userId(), c.quantity(),
        row == null ? null : row.getString("status"), row == null ? null : row.getString("reason"),
        row == null ? null : row.getInteger("quantity"), row == null ? null : row.getString("user_id"));
  }

  /** Units per status at the top level (what the drift is computed from), and order counts under {@code orders}. */
  private static JsonObject totalsJson(Iterable<Row> rows) {
    Map<String, Long> units = new HashMap<>();
    Map<String, Long> orders = new HashMap<>();
    rows.forEach(row -> {
      units.put(row.getString("status"), row.getLong("units"));
      orders.put(row.getString("status"), row.getLong("orders"));
    });
    return byStatus(units).put("orders", byStatus(orders));
  }

  private static JsonObject byStatus(Map<String, Long> values) {
    return new JsonObject()
        .put("pendingPayment", values.getOrDefault("PENDING_PAYMENT", 0L))
        .put("paid", values.getOrDefault("PAID", 0L))
        .put("cancelled", values.getOrDefault("CANCELLED", 0L))
        .put("failed", values.getOrDefault("FAILED", 0L));
  }

  /** Payment callbacks recorded for the sale's orders, per outcome: {outcome: {count, amountCents}}. */
  private static JsonObject paymentsJson(Iterable<Row> rows) {
    JsonObject payments = new JsonObject();
    rows.forEach(row -> payments.put(row.getString("outcome"),
        new JsonObject().put("count", row.getLong("payments")).put("amountCents", row.getLong("amount_cents"))));
    return payments;
  }
}
