package io.seckill.stock;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.LuaScript;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a sale's Redis state (meta, stock, buyers, returned) from PostgreSQL with warmup.lua,
 * atomically and idempotently. The reservations in flight are read live inside the script, so the
 * snapshot taken here only needs to say which pending orders are rows already.
 */
final class SaleWarmup {
  static final LuaScript WARMUP = LuaScript.load("warmup");

  private final Pool pool;
  private final RedisAPI redis;
  private final RestockPublisher restock;

  SaleWarmup(Pool pool, RedisAPI redis, RestockPublisher restock) {
    this.pool = pool;
    this.redis = redis;
    this.restock = restock;
  }

  /**
   * A sale just created: nobody can have reserved in it yet (reserve.lua refuses a sale without meta),
   * so whatever Redis holds under its id is a leftover of an earlier database and is dropped first —
   * including {@code pending}, which a warm-up would otherwise count as in flight.
   */
  Future<JsonObject> warmupNew(long saleId) {
    return redis.del(List.of(RedisKeys.stock(saleId), RedisKeys.meta(saleId), RedisKeys.buyers(saleId),
            RedisKeys.pending(saleId), RedisKeys.returned(saleId)))
        .compose(deleted -> warmup(saleId, true));
  }

  Future<JsonObject> warmup(long saleId, boolean force) {
    // Fail closed on Redis and PostgreSQL alike: a half-built state would admit wrongly.
    return redis.zrange(List.of(RedisKeys.pending(saleId), "0", "-1"))
        .compose(pending -> snapshot(saleId, pending.stream().map(Response::toString).toArray(String[]::new)))
        .compose(snapshot -> run(snapshot, force));
  }

  private record Snapshot(Sale sale, List<String> buyerPairs, List<String> returned, List<String> persistedPending) {
  }

  private Future<Snapshot> snapshot(long saleId, String[] pendingIds) {
    return pool.withTransaction(tx -> tx.query(SaleQueries.SNAPSHOT_READS).execute()
        .compose(ignored -> StockProbe.loadSale(tx, saleId))
        .compose(sale -> tx.preparedQuery(SaleQueries.BUYERS).execute(Tuple.of(saleId)).compose(buyers ->
            tx.preparedQuery(SaleQueries.RETURNED_ORDER_IDS).execute(Tuple.of(saleId)).compose(returned ->
                tx.preparedQuery(SaleQueries.ORDERS_AMONG).execute(Tuple.of(saleId).addArrayOfString(pendingIds)).map(persisted -> {
                  List<String> pairs = new ArrayList<>();
                  for (Row row : buyers) {
                    pairs.add(row.getString("user_id"));
                    pairs.add(row.getString("order_id"));
                  }
                  List<String> returnedIds = new ArrayList<>();
                  returned.forEach(row -> returnedIds.add(row.getString("order_id")));
                  List<String> persistedIds = new ArrayList<>();
                  persisted.forEach(row -> persistedIds.add(row.getString("order_id")));
                  return new Snapshot(sale, pairs, returnedIds, persistedIds);
                })))));
  }

  private Future<JsonObject> run(Snapshot s, boolean force) {
    Sale sale = s.sale();
    long saleId = sale.saleId();
    List<String> keys = List.of(RedisKeys.stock(saleId), RedisKeys.meta(saleId), RedisKeys.buyers(saleId),
        RedisKeys.pending(saleId), RedisKeys.returned(saleId));
    List<String> args = new ArrayList<>();
    args.add(force ? "1" : "0");
    args.add(RedisKeys.tag(saleId));
    args.add(Long.toString(sale.startsAt().toEpochMilli()));
    args.add(Long.toString(sale.endsAt().toEpochMilli()));
    args.add(Integer.toString(sale.perUserLimit()));
    args.add(sale.requireToken() ? "1" : "0");
    args.add(Long.toString(sale.priceCents()));
    args.add(sale.itemName());
    args.add(Integer.toString(sale.paymentTimeoutS()));
    args.add(Integer.toString(sale.remaining()));
    args.add(Integer.toString(s.buyerPairs().size() / 2));
    args.addAll(s.buyerPairs());
    args.add(Integer.toString(s.returned().size()));
    args.addAll(s.returned());
    args.add(Integer.toString(s.persistedPending().size()));
    args.addAll(s.persistedPending());
    return WARMUP.run(redis, keys, args).compose(result -> {
      if ("LIVE".equals(result.get(0).toString())) {
        return Future.failedFuture(new ProblemException(ErrorCode.SALE_LIVE, "sale " + saleId
            + " is open and Redis holds its live stock (" + result.get(1).toLong() + " units) with reservations in"
            + " progress; a warm-up would overwrite them. Retry with ?force=true to rebuild from the database anyway",
            new JsonObject().put("saleId", saleId).put("redisStock", result.get(1).toLong()), Map.of()));
      }
      JsonObject report = new JsonObject()
          .put("saleId", saleId)
          .put("previousStock", result.get(1).toLong() < 0 ? null : result.get(1).toLong())
          .put("stock", result.get(2).toLong())
          .put("inFlightOrders", result.get(3).toLong())
          .put("inFlightUnits", result.get(4).toLong())
          .put("buyers", s.buyerPairs().size() / 2)
          .put("returned", s.returned().size())
          .put("forced", force);
      return restock.publish(saleId).map(report);
    });
  }
}
