package io.seckill.gateway.admission;

import io.seckill.gateway.Answer;
import io.seckill.gateway.GatewayMetrics;
import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.orders.OrderStatusReader;
import io.seckill.gateway.orders.OrderView;
import io.seckill.gateway.sales.SaleMeta;
import io.seckill.gateway.sales.SaleMetaCache;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.order.OrderIds;
import io.seckill.common.order.OrderStatus;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.redis.Reservations;
import io.seckill.common.redis.SeckillScripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One purchase attempt: answer from memory when possible (sold out, not started, ended, over the
 * limit), else reserve atomically in Redis, hand the order to Kafka, and answer 202 only once
 * Kafka acknowledged it (or PostgreSQL holds the order, see {@link OrderHandOff}). A hand-off that
 * certainly took nothing gives the reservation back and answers 503 "nothing was reserved"; one whose
 * outcome nobody can tell yet answers 504 OUTCOME_UNKNOWN with the order id and keeps the reservation.
 */
public final class AdmissionService {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionService.class);
  private static final int KAFKA_RETRY_AFTER_S = 2;
  static final int RELEASE_ATTEMPTS = 8;

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SaleMetaCache metaCache;
  private final SoldOutFlags soldOut;
  private final java.util.Set<Long> buyerLoads = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final OrderHandOff handOff;
  private final OrderStatusReader orders;
  private final GatewayMetrics metrics;
  private final int orderStatusTtlS;
  private final LongSupplier clock;
  // Test hook for the fault suite (fault-tests), off (0) in production: every Nth admitted reservation halts the
  // process right after reserve.lua said OK and before the Kafka send, to prove the reconciler heals the orphan.
  private final int haltAfterReserveEvery;
  private final java.util.concurrent.atomic.AtomicLong admittedForHalt = new java.util.concurrent.atomic.AtomicLong();

  public AdmissionService(RedisAPI redis, RedisCalls calls, SaleMetaCache metaCache, SoldOutFlags soldOut,
                          OrderHandOff handOff, OrderStatusReader orders, GatewayMetrics metrics, int orderStatusTtlS,
                          LongSupplier clock) {
    this(redis, calls, metaCache, soldOut, handOff, orders, metrics, orderStatusTtlS, clock, 0);
  }

  public AdmissionService(RedisAPI redis, RedisCalls calls, SaleMetaCache metaCache, SoldOutFlags soldOut,
                          OrderHandOff handOff, OrderStatusReader orders, GatewayMetrics metrics, int orderStatusTtlS,
                          LongSupplier clock, int haltAfterReserveEvery) {
    this.redis = redis;
    this.calls = calls;
    this.metaCache = metaCache;
    this.soldOut = soldOut;
    this.handOff = handOff;
    this.orders = orders;
    this.metrics = metrics;
    this.orderStatusTtlS = orderStatusTtlS;
    this.clock = clock;
    this.haltAfterReserveEvery = haltAfterReserveEvery;
  }

  public Future<Answer> purchase(long saleId, String userId, PurchaseRequest request, String requestId) {
    return purchase(saleId, userId, request, requestId, orderId -> { });
  }

  /**
   * @param orderIdAssigned told the id of each order this attempt may create, before the reservation is tried:
   *                        if the request runs out of time, its 504 OUTCOME_UNKNOWN names that order
   */
  public Future<Answer> purchase(long saleId, String userId, PurchaseRequest request, String requestId,
                                 java.util.function.Consumer<String> orderIdAssigned) {
    SoldOutFlags.Lookup known = soldOut.shopper(saleId, userId);
    switch (known.knowledge()) {
      case LOSER:
        return Future.failedFuture(soldOutProblem());
      case BUYER:
        return duplicate(saleId, known.orderId());
      default:
        // Not sold out, or its buyers are still loading: Redis decides (and knows every buyer).
        break;
    }
    return metaCache.get(saleId).compose(meta -> {
      ProblemException closed = meta.outsideWindow(clock.getAsLong());
      if (closed != null) {
        return Future.failedFuture(closed);
      }
      if (request.quantity() > meta.perUserLimit()) {
        return Future.failedFuture(limitProblem(meta.perUserLimit()));
      }
      if (meta.requireToken() && !request.hasWellFormedToken()) {
        return Future.failedFuture(badToken());
      }
      return reserve(meta, userId, request, requestId, orderIdAssigned);
    });
  }

  private Future<Answer> reserve(SaleMeta meta, String userId, PurchaseRequest request, String requestId,
                                 java.util.function.Consumer<String> orderIdAssigned) {
    Bucket home = Bucket.home(meta.saleId(), userId, meta.buckets());
    return walk(new Attempt(meta, home, userId, request, requestId, orderIdAssigned, false), 0, true);
  }

  /**
   * reserve.lua said the shopper already holds {@code orderId}. If that order failed (a release whose pointer
   * clean-up was lost), the entry is stale: it is dropped — only if it still names that order — and the walk
   * starts over, once.
   */
  private Future<Answer> duplicateOrHeal(Attempt attempt, String orderId) {
    return duplicate(attempt.meta().saleId(), orderId).compose(answer -> {
      if (!answer.failedDuplicate() || attempt.healed()) {
        return Future.succeededFuture(answer);
      }
      String userId = attempt.userId();
      LOG.warn("shopper {} of sale {} was held by failed order {}; forgetting it", userId, attempt.meta().saleId(), orderId);
      return calls.callVital("forget failed order", () -> Reservations.forgetFailed(redis, attempt.home(), userId, orderId))
          .compose(x -> walk(attempt.healedOnce(), 0, true));
    });
  }

  /**
   * Tries the bucket {@code step} places after the shopper's home bucket. An unsplit sale has one
   * bucket and one step. A split sale moves on while buckets answer SOLD_OUT, skipping buckets this
   * gateway already saw empty — never the home bucket, which holds the shopper's order or the pointer
   * to it, so a retry always finds it there first. The sale is flagged sold out only when every bucket
   * was seen empty (a bucket with too few units for a multi-unit request is not empty).
   */
  private Future<Answer> walk(Attempt attempt, int step, boolean allEmpty) {
    SaleMeta meta = attempt.meta();
    Bucket home = attempt.home();
    String userId = attempt.userId();
    PurchaseRequest request = attempt.request();
    String requestId = attempt.requestId();
    int buckets = meta.buckets();
    if (step >= buckets) {
      if (allEmpty) {
        soldOutNow(meta);
      }
      return Future.failedFuture(soldOutProblem());
    }
    Bucket bucket = home.next(step, buckets);
    if (step > 0 && soldOut.isBucketEmpty(bucket)) {
      return walk(attempt, step + 1, allEmpty);
    }
    String orderId = OrderIds.next(bucket);
    attempt.orderIdAssigned().accept(orderId);
    List<String> keys = List.of(bucket.stock(), bucket.meta(), bucket.buyers(), bucket.pending(),
        meta.requireToken() ? bucket.token(request.token()) : bucket.stock(), bucket.order(orderId), bucket.spilled(),
        bucket.blocked());
    List<String> args = List.of(userId, orderId, Integer.toString(request.quantity()), Integer.toString(orderStatusTtlS),
        requestId);
    long started = System.nanoTime();
    // Fail closed: no answer from Redis means no admission.
    return calls.call("reserve", () -> SeckillScripts.RESERVE.run(redis, keys, args))
        .onComplete(done -> metrics.lua("reserve").record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .recover(failure -> {
          if (!(failure instanceof RedisCalls.Overloaded)) {
            // The script may have run before the reply was lost, or may still run (it can be queued on another
            // connection than the release): release.lua gives back what it reserved, or leaves a tombstone that
            // makes the late reserve refuse. Either way no order results, so "nothing was reserved" holds.
            release(orderId, userId, request.quantity(), requestId);
          }
          return Future.failedFuture(failure);
        })
        .map(ReserveOutcome::parse)
        .compose(outcome -> {
          if (buckets > 1 && outcome.kind() == ReserveOutcome.Kind.SOLD_OUT) {
            boolean empty = outcome.number() <= 0;
            if (empty) {
              soldOut.markBucketEmpty(bucket);
            }
            return walk(attempt, step + 1, allEmpty && empty);
          }
          if (outcome.kind() == ReserveOutcome.Kind.DUPLICATE) {
            return duplicateOrHeal(attempt, outcome.orderId());
          }
          if (outcome.kind() == ReserveOutcome.Kind.OK && !bucket.equals(home)) {
            // The home bucket points at the order, so its dedup check answers for the whole sale.
            // Fail open: without the pointer a retry could reserve again, and the DB's unique index refuses it.
            Future<Void> pointer = calls.callVital("spill", () -> Reservations.recordSpill(redis, home, userId, orderId))
                .<Void>mapEmpty().recover(e -> Future.succeededFuture());
            return pointer.compose(x -> answer(meta, bucket, userId, request, requestId, outcome));
          }
          return answer(meta, bucket, userId, request, requestId, outcome);
        });
  }

  private Future<Answer> answer(SaleMeta meta, Bucket bucket, String userId, PurchaseRequest request, String requestId,
                                ReserveOutcome outcome) {
    long saleId = meta.saleId();
    return switch (outcome.kind()) {
      case OK -> handOff(meta, bucket, userId, request.quantity(), requestId, outcome);
      case DUPLICATE -> duplicate(saleId, outcome.orderId()); // walk() heals a stale one before it gets here
      case NO_SALE -> metaCache.missing(saleId);
      case NOT_STARTED -> Future.failedFuture(new ProblemException(ErrorCode.SALE_NOT_STARTED, "the sale has not started"));
      case ENDED -> {
        // The meta this gateway cached may still show the old end (an operator ended the sale): read it again.
        metaCache.evict(saleId);
        yield Future.failedFuture(new ProblemException(ErrorCode.SALE_ENDED, "the sale has ended"));
      }
      case PAUSED -> {
        metaCache.evict(saleId);
        yield Future.failedFuture(SaleMeta.pausedProblem());
      }
      case BLOCKED -> Future.failedFuture(blockedProblem());
      case BAD_TOKEN -> Future.failedFuture(badToken());
      case RELEASED -> Future.failedFuture(ProblemException.unavailable("order store unavailable, nothing was reserved",
          RedisCalls.RETRY_AFTER_S));
      case LIMIT -> Future.failedFuture(limitProblem(outcome.number()));
      case SOLD_OUT -> {
        if (outcome.number() <= 0) {
          soldOutNow(meta);
        }
        yield Future.failedFuture(soldOutProblem());
      }
    };
  }

  private Future<Answer> handOff(SaleMeta meta, Bucket bucket, String userId, int quantity, String requestId,
                                 ReserveOutcome outcome) {
    long saleId = meta.saleId();
    String orderId = outcome.orderId();
    if (outcome.number() <= 0) {
      if (meta.buckets() > 1) {
        soldOut.markBucketEmpty(bucket);
      } else {
        soldOutNow(meta);
      }
    }
    if (haltAfterReserveEvery > 0 && admittedForHalt.incrementAndGet() % haltAfterReserveEvery == 0) {
      LOG.error("TEST HOOK SECKILL_TEST_HALT_AFTER_RESERVE_EVERY: halting after reserving order {} of sale {}", orderId, saleId);
      Runtime.getRuntime().halt(137);
    }
    OrderMessage message = new OrderMessage(orderId, saleId, userId, quantity, clock.getAsLong(), requestId);
    String location = "/api/v1/orders/" + orderId;
    return handOff.handOff(message).compose(fate -> switch (fate) {
      case QUEUED -> Future.succeededFuture(new Answer(202, new JsonObject().put("orderId", orderId).put("saleId", saleId)
          .put("status", OrderStatus.QUEUED.name()), location));
      case NOT_TAKEN -> {
        release(orderId, userId, quantity, requestId);
        yield Future.failedFuture(ProblemException.unavailable("orders cannot be accepted right now, nothing was reserved",
            KAFKA_RETRY_AFTER_S));
      }
      case UNKNOWN -> Future.failedFuture(new ProblemException(ErrorCode.OUTCOME_UNKNOWN, "the order may or may not"
          + " have been taken: check it at the order's URL, or retry the purchase (a retry returns the order if it"
          + " exists)", new JsonObject().put("orderId", orderId).put("saleId", saleId).put("status", "UNKNOWN"),
          java.util.Map.of("Location", location, "Retry-After", Integer.toString(KAFKA_RETRY_AFTER_S))));
    });
  }

  public static ProblemException blockedProblem() {
    return new ProblemException(ErrorCode.USER_BLOCKED, "this account may not buy in sales");
  }

  private Future<Answer> duplicate(long saleId, String orderId) {
    // Fail-open: the order id is what matters; its status is best effort.
    return orders.find(orderId).recover(e -> Future.succeededFuture(java.util.Optional.empty())).map(found -> {
      JsonObject body = found.map(OrderView::toJson)
          .orElseGet(() -> new JsonObject().put("orderId", orderId).put("saleId", saleId).put("status", OrderStatus.QUEUED.name()));
      return new Answer(200, body.put("duplicate", true), "/api/v1/orders/" + orderId);
    });
  }

  /**
   * Gives a reservation back (idempotent, see Reservations), clears the local flags and tells every gateway.
   * Retried with backoff while it fails — its second step, dropping a split sale's pointer, would otherwise
   * leave the shopper held by a failed order — up to {@link #RELEASE_ATTEMPTS}; after that the reconciler
   * releases the orphan and the gateway heals a stale pointer when a duplicate names a failed order.
   */
  private void release(String orderId, String userId, int quantity, String requestId) {
    release(orderId, userId, quantity, requestId, 1);
  }

  private void release(String orderId, String userId, int quantity, String requestId, int attempt) {
    long saleId = OrderIds.saleIdOf(orderId);
    long started = System.nanoTime();
    calls.callVital("release", () -> Reservations.release(redis, orderId, userId, quantity, OrderStatus.FAILED.name(),
            ErrorCode.UNAVAILABLE.name(), orderStatusTtlS))
        .onComplete(done -> metrics.lua("release").record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .onFailure(e -> {
          io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
          if (attempt < RELEASE_ATTEMPTS && context != null) {
            long delay = Math.min(2000L, 50L << Math.min(attempt, 6));
            context.owner().setTimer(delay, t -> release(orderId, userId, quantity, requestId, attempt + 1));
          }
        })
        .onSuccess(result -> {
          if (result.get(0).toInteger() == 1) {
            metrics.releasedAfterKafkaFailure();
            soldOut.clear(saleId);
            // Fail-open: a missed broadcast is covered by the other gateways' flag expiry.
            calls.callVital("PUBLISH restock", () -> redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId)));
          }
        })
        .onFailure(e -> LOG.error("could not release order {} of sale {} (request {}, attempt {} of {}); the reconciler"
            + " releases it if this was the last: {}", orderId, saleId, requestId, attempt, RELEASE_ATTEMPTS, e.toString()));
  }

  /**
   * Flags the sale and, once per sell-out, loads its buyers (every bucket's) so their retries are
   * answered from memory too.
   */
  private void soldOutNow(SaleMeta meta) {
    long saleId = meta.saleId();
    soldOut.markSoldOut(saleId);
    long generation = soldOut.generation(saleId);
    if (soldOut.needsBuyers(saleId) && buyerLoads.add(saleId)) {
      // Fail-open: without the snapshot the fast path simply asks Redis, as before the sell-out.
      List<Future<Response>> reads = meta.allBuckets().stream()
          .map(b -> calls.callVital("HGETALL buyers", () -> redis.hgetall(b.buyers()))).toList();
      Future.all(reads)
          .onSuccess(all -> {
            java.util.Map<String, String> snapshot = new java.util.HashMap<>();
            for (Future<Response> read : reads) {
              Response response = read.result();
              for (String user : response.getKeys()) {
                snapshot.put(user, response.get(user).toString());
              }
            }
            soldOut.buyersLoaded(saleId, generation, snapshot);
          })
          .onComplete(done -> buyerLoads.remove(saleId));
    }
  }

  /** One purchase attempt's fixed inputs, as the bucket walk carries them. */
  private record Attempt(SaleMeta meta, Bucket home, String userId, PurchaseRequest request, String requestId,
                         java.util.function.Consumer<String> orderIdAssigned, boolean healed) {
    Attempt healedOnce() {
      return new Attempt(meta, home, userId, request, requestId, orderIdAssigned, true);
    }
  }

  private static ProblemException soldOutProblem() {
    return new ProblemException(ErrorCode.SOLD_OUT, "every unit has been sold");
  }

  private static ProblemException badToken() {
    return new ProblemException(ErrorCode.INVALID_PURCHASE_TOKEN, "a valid purchase token of this shopper is required");
  }

  private static ProblemException limitProblem(long limit) {
    return new ProblemException(ErrorCode.LIMIT_EXCEEDED, "at most " + limit + " units per shopper",
        new JsonObject().put("perUserLimit", limit), java.util.Map.of());
  }
}
