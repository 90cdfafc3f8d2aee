package io.seckill.consumer.batch;

import io.seckill.common.kafka.OrderMessage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists one batch of order messages in one PostgreSQL transaction: a multi-row insert, then one
 * conditional decrement per sale by what was actually inserted. When a sale has too little stock
 * left (Redis over-admitted), the transaction is rolled back and the batch replayed with the sale
 * rows locked, fitting orders in arrival order; the rest become FAILED / SOLD_OUT rows.
 *
 * <p>Called from a poll-loop thread, never an event loop: it blocks on the pool's futures.
 * Idempotent: a batch written twice (a retry after a lost commit answer, a redelivery) changes no
 * row the second time.
 */
public final class OrderBatchWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OrderBatchWriter.class);
  private static final int REQUEST_ID_COLUMN_WIDTH = 64;

  private final Pool pool;
  private final Duration timeout;

  public OrderBatchWriter(Pool pool, Duration timeout) {
    this.pool = pool;
    this.timeout = timeout;
  }

  /** Thrown inside the fast path when a sale cannot take the batch's quantity; triggers the fallback. */
  private static final class StockShortfall extends Exception {
    StockShortfall() {
      super(null, null, false, false);
    }
  }

  /**
   * @param orders distinct order ids, in arrival order
   * @return one outcome per order, in the same order
   * @throws Exception when the database is unreachable or refused the transaction: nothing was committed
   *                   (or the commit answer was lost, which a retry of the same batch resolves)
   */
  public List<OrderOutcome> write(List<OrderMessage> orders) throws Exception {
    if (orders.isEmpty()) {
      return List.of();
    }
    try {
      return inTransaction(orders, false, null);
    } catch (StockShortfall shortfall) {
      LOG.warn("a sale in a batch of {} orders has less stock in the database than Redis admitted: "
          + "persisting order by order", orders.size());
      return inTransaction(orders, true, null);
    }
  }

  /**
   * The start-up warm-up's dry run ({@code io.seckill.consumer.ConsumerWarmUp}): the same statements as {@link #write}, inside a
   * transaction that first inserts the warm-up sale's row and is always rolled back, so no row ever lands.
   *
   * @param sale       a sale id in the reserved warm-up range ({@link io.seckill.common.warmup.WarmUpSales})
   * @param fitToStock true runs the fallback (sale rows locked, orders fitted to the stock) instead of the fast path
   */
  public List<OrderOutcome> rehearse(long sale, List<OrderMessage> orders, boolean fitToStock) throws Exception {
    try {
      return inTransaction(orders, fitToStock, sale);
    } catch (StockShortfall shortfall) {
      return List.of(); // the warm-up sale holds more stock than any rehearsal takes; nothing to replay
    }
  }

  private List<OrderOutcome> inTransaction(List<OrderMessage> orders, boolean fitToStock, Long rehearsalSale)
      throws Exception {
    // Fail-closed: a batch the database did not commit is retried, never acknowledged.
    Future<SqlConnection> connecting = pool.getConnection();
    SqlConnection conn;
    try {
      conn = await(connecting);
    } catch (TimeoutException late) {
      connecting.onSuccess(SqlConnection::close); // a connection that arrives after we gave up goes back to the pool
      throw late;
    }
    Transaction tx = null;
    try {
      tx = await(conn.begin());
      if (rehearsalSale != null) {
        await(conn.preparedQuery(OrderSql.INSERT_WARM_UP_SALE).execute(Tuple.of(rehearsalSale, orders.size())));
      }
      Map<Long, Integer> remaining = fitToStock ? lockSales(conn, orders) : null;
      Set<String> inserted = insertPending(conn, orders);
      Map<String, OrderOutcome> outcomes = new HashMap<>();
      if (inserted.size() < orders.size()) {
        explainSkipped(conn, orders, inserted, outcomes);
      }
      Map<Long, Integer> taken = new TreeMap<>();
      List<String> soldOut = new ArrayList<>();
      for (OrderMessage order : orders) {
        if (!inserted.contains(order.orderId())) {
          continue;
        }
        int left = remaining == null ? Integer.MAX_VALUE : remaining.getOrDefault(order.saleId(), 0);
        int already = taken.getOrDefault(order.saleId(), 0);
        if (left - already >= order.quantity()) {
          taken.merge(order.saleId(), order.quantity(), Integer::sum);
          outcomes.put(order.orderId(), OrderOutcome.inserted(order));
        } else {
          soldOut.add(order.orderId());
          outcomes.put(order.orderId(), OrderOutcome.failed(order, OrderOutcome.Result.FAILED_SOLD_OUT, "SOLD_OUT"));
        }
      }
      if (!soldOut.isEmpty()) {
        await(conn.preparedQuery(OrderSql.MARK_SOLD_OUT).execute(Tuple.tuple().addArrayOfString(soldOut.toArray(String[]::new))));
      }
      if (!taken.isEmpty() && decrement(conn, taken) < taken.size()) {
        if (fitToStock) {
          throw new IllegalStateException("a locked sale refused a decrement that fits its stock");
        }
        throw new StockShortfall();
      }
      if (rehearsalSale != null) {
        await(tx.rollback());
      } else {
        await(tx.commit());
      }
      tx = null;
      List<OrderOutcome> ordered = new ArrayList<>(orders.size());
      for (OrderMessage order : orders) {
        ordered.add(outcomes.get(order.orderId()));
      }
      return ordered;
    } finally {
      if (tx != null) {
        tx.rollback();
      }
      conn.close();
    }
  }

  private Map<Long, Integer> lockSales(SqlConnection conn, List<OrderMessage> orders) throws Exception {
    Long[] saleIds = orders.stream().map(OrderMessage::saleId).distinct().toArray(Long[]::new);
    Map<Long, Integer> remaining = new HashMap<>();
    for (Row row : await(conn.preparedQuery(OrderSql.LOCK_SALES).execute(Tuple.tuple().addArrayOfLong(saleIds)))) {
      remaining.put(row.getLong("sale_id"), row.getInteger("remaining"));
    }
    return remaining;
  }

  private Set<String> insertPending(SqlConnection conn, List<OrderMessage> orders) throws Exception {
    RowSet<Row> rows = await(conn.preparedQuery(OrderSql.INSERT_PENDING_ORDERS).execute(columns(orders)));
    Set<String> inserted = new HashSet<>();
    for (Row row : rows) {
      inserted.add(row.getString("order_id"));
    }
    return inserted;
  }

  /** Classifies the orders the insert skipped; the shopper duplicates get their FAILED rows here. */
  private void explainSkipped(SqlConnection conn, List<OrderMessage> orders, Set<String> inserted,
                              Map<String, OrderOutcome> outcomes) throws Exception {
    Map<String, OrderMessage> skipped = new LinkedHashMap<>();
    for (OrderMessage order : orders) {
      if (!inserted.contains(order.orderId())) {
        skipped.put(order.orderId(), order);
      }
    }
    Tuple keys = Tuple.tuple()
        .addArrayOfString(skipped.keySet().toArray(String[]::new))
        .addArrayOfLong(skipped.values().stream().map(OrderMessage::saleId).toArray(Long[]::new))
        .addArrayOfString(skipped.values().stream().map(OrderMessage::userId).toArray(String[]::new));
    List<OrderMessage> duplicates = new ArrayList<>();
    for (Row row : await(conn.preparedQuery(OrderSql.EXPLAIN_SKIPPED_ORDERS).execute(keys))) {
      OrderMessage order = skipped.get(row.getString("order_id"));
      if (row.getString("status") != null) {
        outcomes.put(order.orderId(), new OrderOutcome(order, OrderOutcome.Result.REDELIVERED,
            row.getString("status"), row.getString("reason")));
      } else if (!row.getBoolean("sale_exists")) {
        outcomes.put(order.orderId(), new OrderOutcome(order, OrderOutcome.Result.UNKNOWN_SALE, null, null));
      } else if (row.getString("live_order_id") != null) {
        duplicates.add(order);
        outcomes.put(order.orderId(), OrderOutcome.failed(order, OrderOutcome.Result.FAILED_DUPLICATE, "DUPLICATE"));
      } else {
        // The conflicting order was rolled back by a concurrent transaction: retrying the batch inserts it.
        throw new IllegalStateException("order " + order.orderId() + " was neither inserted nor explained; retrying");
      }
    }
    if (!duplicates.isEmpty()) {
      await(conn.preparedQuery(OrderSql.INSERT_FAILED_ORDERS).execute(columns(duplicates).addString("DUPLICATE")));
    }
  }

  /** @return how many sales took their decrement */
  private int decrement(SqlConnection conn, Map<Long, Integer> taken) throws Exception {
    Tuple args = Tuple.tuple()
        .addArrayOfLong(taken.keySet().toArray(Long[]::new))
        .addArrayOfInteger(taken.values().toArray(Integer[]::new));
    return await(conn.preparedQuery(OrderSql.DECREMENT_SALES).execute(args)).rowCount();
  }

  private static Tuple columns(List<OrderMessage> orders) {
    return Tuple.tuple()
        .addArrayOfString(orders.stream().map(OrderMessage::orderId).toArray(String[]::new))
        .addArrayOfLong(orders.stream().map(OrderMessage::saleId).toArray(Long[]::new))
        .addArrayOfString(orders.stream().map(OrderMessage::userId).toArray(String[]::new))
        .addArrayOfInteger(orders.stream().map(OrderMessage::quantity).toArray(Integer[]::new))
        .addArrayOfString(orders.stream().map(o -> requestIdColumn(o.requestId())).toArray(String[]::new));
  }

  /** The request id is for tracing only: an over-long one is cut rather than let it block the partition. */
  private static String requestIdColumn(String requestId) {
    return requestId == null || requestId.length() <= REQUEST_ID_COLUMN_WIDTH ? requestId
        : requestId.substring(0, REQUEST_ID_COLUMN_WIDTH);
  }

  private <T> T await(Future<T> future) throws TimeoutException {
    return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Readiness probe. */
  public Future<?> ping() {
    return pool.query(OrderSql.PING).execute();
  }
}
