package io.seckill.gateway.orders;

import io.seckill.gateway.Answer;
import io.seckill.gateway.admission.AdmissionService;
import io.seckill.gateway.admission.PurchaseRequest;
import io.seckill.gateway.guards.RequestGuards;
import io.seckill.gateway.guards.ShopperAuth;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.HttpDeadlines;
import io.seckill.common.http.ProblemException;
import io.seckill.common.http.RequestIds;
import io.seckill.common.order.OrderStatus;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Placing, reading and cancelling a shopper's orders. */
public final class OrderRoutes {
  private static final String ORDERS_PATH = "/api/v1/orders/";
  private final AdmissionService admission;
  private final IdempotencyStore idempotency;
  private final OrderStatusReader orders;
  private final StockServiceClient stockService;

  public OrderRoutes(AdmissionService admission, IdempotencyStore idempotency, OrderStatusReader orders,
                     StockServiceClient stockService) {
    this.admission = admission;
    this.idempotency = idempotency;
    this.orders = orders;
    this.stockService = stockService;
  }

  /** POST /api/v1/sales/{saleId}/orders */
  public void place(RoutingContext ctx) {
    long saleId = RequestGuards.saleId(ctx);
    String key = IdempotencyStore.validKey(ctx.request().getHeader("Idempotency-Key"));
    PurchaseRequest request = PurchaseRequest.parse(ctx.body().buffer());
    String userId = ShopperAuth.userId(ctx);
    String requestId = ctx.get(RequestIds.KEY);
    java.util.function.Consumer<String> pending = orderId -> HttpDeadlines.namePendingOutcome(ctx.response(), orderId,
        ORDERS_PATH);
    Future<Answer> answer;
    if (key == null) {
      answer = admission.purchase(saleId, userId, request, requestId, pending);
    } else {
      String fingerprint = request.fingerprint();
      answer = idempotency.begin(saleId, userId, key, fingerprint).compose(replay -> {
        if (replay.isPresent()) {
          return Future.succeededFuture(replay.get());
        }
        Future<Answer> attempt = admission.purchase(saleId, userId, request, requestId, pending);
        return attempt.transform(done -> idempotency.complete(saleId, userId, key, fingerprint,
            done.succeeded() ? done.result() : null, done.cause())).transform(stored -> attempt);
      });
    }
    answer.onSuccess(a -> send(ctx, a)).onFailure(ctx::fail);
  }

  /** GET /api/v1/orders/{orderId}: only the owner sees it; anyone else gets the same 404 as for a missing order. */
  public void get(RoutingContext ctx) {
    String orderId = RequestGuards.orderId(ctx);
    String userId = ShopperAuth.userId(ctx);
    ownedOrder(orderId, userId).onSuccess(order -> ctx.json(order.toJson())).onFailure(ctx::fail);
  }

  /** POST /api/v1/orders/{orderId}/cancel: checked here, carried out by stock-service (one owner per state change). */
  public void cancel(RoutingContext ctx) {
    String orderId = RequestGuards.orderId(ctx);
    String userId = ShopperAuth.userId(ctx);
    ownedOrder(orderId, userId).compose(order -> {
      if (!OrderStatus.PENDING_PAYMENT.name().equals(order.status())) {
        return Future.failedFuture(new ProblemException(ErrorCode.ORDER_NOT_CANCELLABLE,
            "only an order awaiting payment can be cancelled; this one is " + order.status()));
      }
      return stockService.cancel(orderId, userId, ctx.get(RequestIds.KEY));
    }).onSuccess(reply -> reply.sendTo(ctx)).onFailure(ctx::fail);
  }

  private Future<OrderView> ownedOrder(String orderId, String userId) {
    return orders.find(orderId)
        .recover(e -> Future.failedFuture(e instanceof ProblemException ? e
            : ProblemException.unavailable("orders cannot be read right now", 1)))
        .compose(found -> owned(found, userId)
            ? Future.succeededFuture(found.get())
            : Future.failedFuture(new ProblemException(ErrorCode.ORDER_NOT_FOUND, "no such order")));
  }

  private static boolean owned(Optional<OrderView> order, String userId) {
    return order.isPresent() && order.get().userId().equals(userId);
  }

  private static void send(RoutingContext ctx, Answer answer) {
    if (answer.location() != null) {
      ctx.response().putHeader("Location", answer.location());
    }
    ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json").end(answer.body().encode());
  }
}
