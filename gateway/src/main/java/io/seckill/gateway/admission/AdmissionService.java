package io.seckill.gateway.admission;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.order.OrderStatus;
import io.seckill.gateway.Answer;
import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.orders.OrderStatusReader;
import io.seckill.gateway.orders.OrderView;
import io.seckill.gateway.sales.SaleMeta;
import io.seckill.gateway.sales.SaleMetaCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One purchase attempt, as a chain of named steps: answer from memory when possible (sold out, not started,
 * ended, over the limit); else reserve atomically in Redis ({@link BucketWalk}); then hand the order to Kafka and
 * answer ({@link OrderAcceptance}: 202 only once Kafka acknowledged it or PostgreSQL holds it, 503 when nothing
 * was reserved, 504 OUTCOME_UNKNOWN when nobody can tell yet).
 */
public final class AdmissionService {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionService.class);

  private final SaleMetaCache metaCache;
  private final SellOuts sellOuts;
  private final BucketWalk walk;
  private final OrderAcceptance acceptance;
  private final OrderStatusReader orders;
  private final LongSupplier clock;

  public AdmissionService(SaleMetaCache metaCache, SellOuts sellOuts, BucketWalk walk, OrderAcceptance acceptance,
                          OrderStatusReader orders, LongSupplier clock) {
    this.metaCache = metaCache;
    this.sellOuts = sellOuts;
    this.walk = walk;
    this.acceptance = acceptance;
    this.orders = orders;
    this.clock = clock;
  }

  public Future<Answer> purchase(long saleId, String userId, PurchaseRequest request, String requestId) {
    return purchase(saleId, userId, request, requestId, orderId -> { });
  }

  /**
   * @param orderIdAssigned told the id of each order this attempt may create, before the reservation is tried:
   *                        if the request runs out of time, its 504 OUTCOME_UNKNOWN names that order
   */
  public Future<Answer> purchase(long saleId, String userId, PurchaseRequest request, String requestId,
                                 Consumer<String> orderIdAssigned) {
    SoldOutFlags.Lookup known = sellOuts.flags().shopper(saleId, userId);
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
      ProblemException refused = refusal(meta, request);
      return refused != null ? Future.failedFuture(refused)
          : reserveAndAnswer(new BucketWalk.Request(meta, userId, request, requestId, orderIdAssigned));
    });
  }

  /** What the cached meta refuses without Redis (the window, the per-shopper limit, the token's shape), or null. */
  private ProblemException refusal(SaleMeta meta, PurchaseRequest request) {
    ProblemException closed = meta.outsideWindow(clock.getAsLong());
    if (closed != null) {
      return closed;
    }
    if (request.quantity() > meta.perUserLimit()) {
      return limitProblem(meta.perUserLimit());
    }
    return meta.requireToken() && !request.hasWellFormedToken() ? badToken() : null;
  }

  private Future<Answer> reserveAndAnswer(BucketWalk.Request request) {
    return walk.walk(request).compose(walked -> walked.outcome().kind() == ReserveOutcome.Kind.DUPLICATE
        ? duplicateOrHeal(request, walked.outcome().orderId())
        : answer(request, walked));
  }

  /**
   * reserve.lua said the shopper already holds {@code orderId}. If that order failed (a release whose pointer
   * clean-up was lost), the entry is stale: the walk forgets it and starts over, once.
   */
  private Future<Answer> duplicateOrHeal(BucketWalk.Request request, String orderId) {
    long saleId = request.meta().saleId();
    return duplicate(saleId, orderId).compose(answer -> {
      if (!answer.failedDuplicate()) {
        return Future.succeededFuture(answer);
      }
      LOG.warn("shopper {} of sale {} was held by failed order {}; forgetting it", request.userId(), saleId, orderId);
      return walk.walkAgainForgetting(request, orderId).compose(walked -> answer(request, walked));
    });
  }

  private Future<Answer> answer(BucketWalk.Request request, BucketWalk.Walked walked) {
    ReserveOutcome outcome = walked.outcome();
    long saleId = request.meta().saleId();
    return switch (outcome.kind()) {
      case OK -> acceptance.accept(request, walked);
      case DUPLICATE -> duplicate(saleId, outcome.orderId()); // healed at most once, in duplicateOrHeal
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
          sellOuts.soldOut(request.meta());
        }
        yield Future.failedFuture(soldOutProblem());
      }
    };
  }

  private Future<Answer> duplicate(long saleId, String orderId) {
    // Fail-open: the order id is what matters; its status is best effort.
    return orders.find(orderId).recover(e -> Future.succeededFuture(Optional.empty())).map(found -> {
      JsonObject body = found.map(OrderView::toJson)
          .orElseGet(() -> new JsonObject().put("orderId", orderId).put("saleId", saleId).put("status", OrderStatus.QUEUED.name()));
      return new Answer(200, body.put("duplicate", true), "/api/v1/orders/" + orderId);
    });
  }

  public static ProblemException blockedProblem() {
    return new ProblemException(ErrorCode.USER_BLOCKED, "this account may not buy in sales");
  }

  private static ProblemException soldOutProblem() {
    return new ProblemException(ErrorCode.SOLD_OUT, "every unit has been sold");
  }

  private static ProblemException badToken() {
    return new ProblemException(ErrorCode.INVALID_PURCHASE_TOKEN, "a valid purchase token of this shopper is required");
  }

  private static ProblemException limitProblem(long limit) {
    return new ProblemException(ErrorCode.LIMIT_EXCEEDED, "at most " + limit + " units per shopper",
        new JsonObject().put("perUserLimit", limit), Map.of());
  }
}
