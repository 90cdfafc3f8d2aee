package io.seckill.stock.returns;

import io.micrometer.core.instrument.MeterRegistry;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.metrics.SeckillMeter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one code path that cancels a persisted order and gives its stock back (payment timeout and
 * shopper cancel alike): a conditional update PENDING_PAYMENT → CANCELLED whose returned rows decide
 * what comes back, the sale row credited and a {@code stock_return} row written in the same
 * transaction, then the return applied to Redis (or left for the retry loop).
 */
public final class OrderCancellation {
  private final Pool pool;
  private final StockReturnApplier applier;
  private final MeterRegistry registry;

  public OrderCancellation(Pool pool, StockReturnApplier applier, MeterRegistry registry) {
    this.pool = pool;
    this.applier = applier;
    this.registry = registry;
  }

  /** Cancels those of {@code orderIds} still PENDING_PAYMENT, inside the caller's transaction. */
  public Future<List<StockReturn>> cancelInTransaction(SqlConnection tx, List<String> orderIds, String cause) {
    return tx.preparedQuery(ReturnQueries.CANCEL_PENDING).execute(Tuple.tuple().addArrayOfString(orderIds.toArray(String[]::new)).addString(cause))
        .compose(rows -> giveBack(tx, rows, cause));
  }

  /** Shopper cancel, on behalf of {@code userId}; 404 unless the order is theirs, 409 unless PENDING_PAYMENT. */
  Future<JsonObject> cancelByShopper(String orderId, String userId) {
    // Fail-closed: without PostgreSQL nothing is cancelled (the caller gets 503/500 and may retry).
    return pool.withTransaction(tx -> tx.preparedQuery(ReturnQueries.CANCEL_PENDING_OF_SHOPPER)
            .execute(Tuple.of(orderId, userId, StockReturn.SHOPPER_CANCEL))
            .compose(rows -> rows.rowCount() == 1 ? giveBack(tx, rows, StockReturn.SHOPPER_CANCEL) : refusal(tx, orderId, userId)))
        .compose(this::afterCommit)
        .map(returns -> new JsonObject().put("orderId", orderId).put("status", "CANCELLED"));
  }

  /** Applies committed returns to Redis; a failure is left to the retry loop, so the caller still succeeds. */
  public Future<List<StockReturn>> afterCommit(List<StockReturn> returns) {
    returns.forEach(r -> SeckillMeter.STOCK_RETURNS.counter(registry, r.cause()).increment());
    return applier.apply(returns).map(returns);
  }

  private Future<List<StockReturn>> giveBack(SqlConnection tx, RowSet<Row> cancelled, String cause) {
    List<StockReturn> returns = new ArrayList<>();
    cancelled.forEach(row -> returns.add(StockReturn.from(row, cause)));
    if (returns.isEmpty()) {
      return Future.succeededFuture(returns);
    }
    // One credit per sale, in sale-id order so concurrent sweepers lock sale rows in the same order.
    Map<Long, Integer> unitsBySale = new TreeMap<>();
    returns.forEach(r -> unitsBySale.merge(r.saleId(), r.quantity(), Integer::sum));
    List<Tuple> credits = unitsBySale.entrySet().stream().map(e -> Tuple.of(e.getKey(), e.getValue())).toList();
    List<Tuple> rows = returns.stream().map(r -> Tuple.of(r.orderId(), r.saleId(), r.quantity(), cause)).toList();
    return tx.preparedQuery(ReturnQueries.GIVE_BACK_STOCK).executeBatch(credits)
        .compose(ignored -> tx.preparedQuery(ReturnQueries.INSERT_STOCK_RETURN).executeBatch(rows))
        .map(returns);
  }

  private Future<List<StockReturn>> refusal(SqlConnection tx, String orderId, String userId) {
    return tx.preparedQuery(ReturnQueries.ORDER_STATUS_OF_SHOPPER).execute(Tuple.of(orderId, userId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new ProblemException(ErrorCode.ORDER_NOT_FOUND, "no order " + orderId + " for this shopper"));
      }
      String status = rows.iterator().next().getString("status");
      return Future.failedFuture(new ProblemException(ErrorCode.ORDER_NOT_CANCELLABLE,
          "order " + orderId + " is " + status + "; only PENDING_PAYMENT orders can be cancelled",
          new JsonObject().put("orderStatus", status), Map.of()));
    });
  }
}
