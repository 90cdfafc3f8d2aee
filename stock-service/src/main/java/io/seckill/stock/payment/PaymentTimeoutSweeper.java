package io.seckill.stock.payment;

import io.seckill.stock.returns.OrderCancellation;
import io.seckill.stock.returns.StockReturn;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Cancels orders left in PENDING_PAYMENT past their sale's payment timeout and gives their stock back.
 *
 * <p>Several stock-service instances may sweep at once. Each locks its batch with
 * {@code FOR UPDATE SKIP LOCKED}, so instances split the work instead of queueing on each other's
 * rows; the conditional update {@code WHERE status = 'PENDING_PAYMENT'} in {@link OrderCancellation}
 * still decides, by the rows it returns, which orders give stock back — a payment or shopper cancel
 * that won the row first simply leaves nothing to return. The {@code stock_return} primary key is
 * the last guard against a double return.
 *
 * <p>This is the SECKILL_PAYMENT_PROVIDER=none sweep; with a provider configured, {@link PaymentQuerySweep}
 * asks it before cancelling and this class is not scheduled.
 */
public final class PaymentTimeoutSweeper {
  static final int BATCH = 200;
  private static final int MAX_BATCHES_PER_TICK = 50;

  private final Pool pool;
  private final OrderCancellation cancellation;

  public PaymentTimeoutSweeper(Pool pool, OrderCancellation cancellation) {
    this.pool = pool;
    this.cancellation = cancellation;
  }

  /** Batch after batch while batches come back full (bounded, so one tick never runs forever). */
  public Future<Integer> sweepDue() {
    return sweepFrom(0, 0);
  }

  private Future<Integer> sweepFrom(int batches, int cancelledSoFar) {
    return sweepOnce().compose(cancelled -> cancelled == BATCH && batches < MAX_BATCHES_PER_TICK
        ? sweepFrom(batches + 1, cancelledSoFar + cancelled)
        : Future.succeededFuture(cancelledSoFar + cancelled));
  }

  /** One batch; returns how many orders this sweeper cancelled. */
  Future<Integer> sweepOnce() {
    // Fail-open: an unreachable DB only delays timeouts to the next tick; nothing is half-done.
    return pool.withTransaction(tx -> tx.preparedQuery(PaymentQueries.LOCK_TIMED_OUT_BATCH).execute(Tuple.of(BATCH))
            .compose(rows -> {
              List<String> ids = new ArrayList<>();
              for (Row row : rows) {
                ids.add(row.getString("order_id"));
              }
              return ids.isEmpty() ? Future.succeededFuture(List.<StockReturn>of())
                  : cancellation.cancelInTransaction(tx, ids, StockReturn.TIMEOUT);
            }))
        .compose(cancellation::afterCommit)
        .map(List::size);
  }
}
