package io.seckill.gateway.admission;

import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.gateway.GatewayMetrics;
import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.sales.SaleMeta;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reserves with reserve.lua, bucket by bucket. An unsplit sale has one bucket and one step. A split sale
 * starts at the shopper's home bucket and moves on while buckets answer SOLD_OUT, skipping buckets this gateway
 * already saw empty — never the home bucket, which holds the shopper's order or the pointer to it, so a retry
 * always finds it there first. The walk ends SOLD_OUT with no stock left only when every bucket was seen empty (a
 * bucket with too few units for a multi-unit request is not empty).
 */
public final class BucketWalk {
  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SoldOutFlags flags;
  private final ReservationUndo undo;
  private final GatewayMetrics metrics;
  private final int orderStatusTtlS;

  public BucketWalk(RedisAPI redis, RedisCalls calls, SoldOutFlags flags, ReservationUndo undo, GatewayMetrics metrics,
             int orderStatusTtlS) {
    this.redis = redis;
    this.calls = calls;
    this.flags = flags;
    this.undo = undo;
    this.metrics = metrics;
    this.orderStatusTtlS = orderStatusTtlS;
  }

  /**
   * One purchase attempt's fixed inputs.
   *
   * @param orderIdAssigned told the id of each order the walk may create, before the reservation is tried: if
   *                        the request runs out of time, its 504 OUTCOME_UNKNOWN names that order
   */
  public record Request(SaleMeta meta, Bucket home, String userId, PurchaseRequest purchase, String requestId,
                        Consumer<String> orderIdAssigned) {
    public Request(SaleMeta meta, String userId, PurchaseRequest purchase, String requestId,
                   Consumer<String> orderIdAssigned) {
      this(meta, Bucket.home(meta.saleId(), userId, meta.buckets()), userId, purchase, requestId, orderIdAssigned);
    }
  }

  /** Where the walk ended and what reserve.lua said there. */
  public record Walked(Bucket bucket, ReserveOutcome outcome) {
  }

  public Future<Walked> walk(Request request) {
    return step(request, 0, true);
  }

  /**
   * The shopper's home bucket names {@code failedOrderId}, an order that failed (a release whose pointer clean-up
   * was lost): the entry is stale. Drops it — only if it still names that order — and walks again.
   */
  public Future<Walked> walkAgainForgetting(Request request, String failedOrderId) {
    return undo.forgetFailed(request.home(), request.userId(), failedOrderId).compose(x -> walk(request));
  }

  private Future<Walked> step(Request request, int step, boolean allEmpty) {
    int buckets = request.meta().buckets();
    if (step >= buckets) {
      return Future.succeededFuture(new Walked(request.home(),
          new ReserveOutcome(ReserveOutcome.Kind.SOLD_OUT, null, allEmpty ? 0 : 1)));
    }
    Bucket bucket = request.home().next(step, buckets);
    if (step > 0 && flags.isBucketEmpty(bucket)) {
      return step(request, step + 1, allEmpty);
    }
    return reserve(request, bucket).compose(outcome -> {
      if (buckets > 1 && outcome.kind() == ReserveOutcome.Kind.SOLD_OUT) {
        boolean empty = outcome.number() <= 0;
        if (empty) {
          flags.markBucketEmpty(bucket);
        }
        return step(request, step + 1, allEmpty && empty);
      }
      Walked walked = new Walked(bucket, outcome);
      if (outcome.kind() == ReserveOutcome.Kind.OK && !bucket.equals(request.home())) {
        return undo.recordSpill(request.home(), request.userId(), outcome.orderId()).map(walked);
      }
      return Future.succeededFuture(walked);
    });
  }

  private Future<ReserveOutcome> reserve(Request request, Bucket bucket) {
    String orderId = OrderIds.next(bucket);
    request.orderIdAssigned().accept(orderId);
    PurchaseRequest purchase = request.purchase();
    List<String> keys = List.of(bucket.stock(), bucket.meta(), bucket.buyers(), bucket.pending(),
        request.meta().requireToken() ? bucket.token(purchase.token()) : bucket.stock(), bucket.order(orderId),
        bucket.spilled(), bucket.blocked());
    List<String> args = List.of(request.userId(), orderId, Integer.toString(purchase.quantity()),
        Integer.toString(orderStatusTtlS), request.requestId());
    long started = System.nanoTime();
    // Fail-closed: no answer from Redis means no admission.
    return calls.call("reserve", () -> SeckillScripts.RESERVE.run(redis, keys, args))
        .onComplete(done -> metrics.lua("reserve").record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .recover(failure -> {
          if (!(failure instanceof RedisCalls.Overloaded)) {
            // The script may have run before the reply was lost, or may still run (it can be queued on another
            // connection than the release): release.lua gives back what it reserved, or leaves a tombstone that
            // makes the late reserve refuse. Either way no order results, so "nothing was reserved" holds.
            undo.release(orderId, request.userId(), purchase.quantity(), request.requestId());
          }
          return Future.failedFuture(failure);
        })
        .map(ReserveOutcome::parse);
  }
}
