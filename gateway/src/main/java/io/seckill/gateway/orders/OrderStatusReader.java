package io.seckill.gateway.orders;

import io.seckill.gateway.RedisCalls;
import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/**
 * Finds an order: the Redis status hash first (written by reserve.lua, moved forward by the
 * consumer), PostgreSQL {@code orders} when the cache has no entry (expired, or Redis lost it).
 */
public final class OrderStatusReader {
  private static final String SELECT_ORDER = """
      SELECT order_id, sale_id, user_id, quantity, status, reason
        FROM orders
       WHERE order_id = $1
      """;

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final Pool pg;

  public OrderStatusReader(RedisAPI redis, RedisCalls calls, Pool pg) {
    this.redis = redis;
    this.calls = calls;
    this.pg = pg;
  }

  public Future<Optional<OrderView>> find(String orderId) {
    long saleId = OrderIds.saleIdOf(orderId);
    // Fail-open to the durable copy: if Redis is down or has no entry, PostgreSQL answers.
    return calls.call("HMGET order", () -> redis.hmget(List.of(RedisKeys.order(orderId), "userId", "quantity",
            "status", "reason")))
        .map(fields -> fromCache(orderId, saleId, fields))
        .recover(e -> Future.succeededFuture(Optional.empty()))
        .compose(cached -> cached.isPresent() ? Future.succeededFuture(cached) : fromDatabase(orderId));
  }

  private static Optional<OrderView> fromCache(String orderId, long saleId, Response fields) {
    if (fields == null || fields.size() < 4 || fields.get(0) == null || fields.get(2) == null) {
      return Optional.empty();
    }
    return Optional.of(new OrderView(orderId, saleId, fields.get(0).toString(),
        fields.get(1) == null ? 0 : fields.get(1).toInteger(), fields.get(2).toString(),
        fields.get(3) == null ? null : fields.get(3).toString()));
  }

  private Future<Optional<OrderView>> fromDatabase(String orderId) {
    // Fail-closed: neither copy answered, so the order cannot be shown (503).
    return pg.preparedQuery(SELECT_ORDER).execute(Tuple.of(orderId)).map(OrderStatusReader::firstRow);
  }

  private static Optional<OrderView> firstRow(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    return Optional.of(new OrderView(row.getString("order_id"), row.getLong("sale_id"), row.getString("user_id"),
        row.getInteger("quantity"), row.getString("status"), row.getString("reason")));
  }
}
