package io.seckill.gateway.dev;

import io.seckill.gateway.orders.StockServiceClient;
import io.seckill.common.auth.Signatures;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.http.RequestIds;
import io.seckill.common.order.OrderStatus;
import io.seckill.gateway.guards.RequestGuards;
import io.seckill.gateway.orders.StockServiceClient.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /dev/v1/orders/{orderId}/pay}: plays the payment provider for the local stack. It
 * reads the order and the sale through this gateway's own public API with the shopper's token (so
 * ownership is checked exactly as for {@code GET /api/v1/orders/{id}}), then sends stock-service a
 * signed {@code SUCCEEDED} callback for quantity × price and answers with the callback's reply.
 */
final class PaymentSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentSimulator.class);
  private static final long TIMEOUT_MS = 5000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpClientAgent client;
  private final String selfUrl;
  private final DevModeConfig config;

  PaymentSimulator(Vertx vertx, int selfPort, DevModeConfig config) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(true));
    this.selfUrl = "http://127.0.0.1:" + selfPort;
    this.config = config;
  }

  void pay(RoutingContext ctx) {
    String orderId = RequestGuards.orderId(ctx);
    String authorization = ctx.request().getHeader("Authorization");
    String requestId = ctx.get(RequestIds.KEY);
    readOwnOrder(orderId, authorization, requestId).compose(order -> {
      if (!OrderStatus.PENDING_PAYMENT.name().equals(order.getString("status"))) {
        return Future.failedFuture(new ProblemException(ErrorCode.INVALID_REQUEST,
            "only an order awaiting payment can be paid; this one is " + order.getString("status"),
            new JsonObject().put("orderStatus", order.getString("status")), Map.of()));
      }
      return priceCents(order.getLong("saleId"), requestId)
          .map(price -> callbackBody(orderId, order.getInteger("quantity") * price))
          .compose(body -> deliver(body, requestId));
    }).onSuccess(reply -> reply.sendTo(ctx)).onFailure(ctx::fail);
  }

  /** The payment provider's callback body; what stock-service's PaymentCallback parses. */
  static Buffer callbackBody(String orderId, long amountCents) {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    return new JsonObject().put("paymentId", "devpay-" + HexFormat.of().formatHex(random)).put("orderId", orderId)
        .put("amountCents", amountCents).put("outcome", "SUCCEEDED").toBuffer();
  }

  private Future<JsonObject> readOwnOrder(String orderId, String authorization, String requestId) {
    // Fail-closed: no payment for an order whose owner and state cannot be checked.
    return call(HttpMethod.GET, selfUrl + "/api/v1/orders/" + orderId, authorization, null, requestId, null)
        .compose(reply -> switch (reply.status()) {
          case 200 -> Future.succeededFuture(reply.body().toJsonObject());
          case 404 -> Future.failedFuture(new ProblemException(ErrorCode.ORDER_NOT_FOUND, "no such order"));
          default -> Future.failedFuture(passOn(reply, "the order"));
        })
        .recover(PaymentSimulator::unavailableUnlessProblem);
  }

  private Future<Long> priceCents(long saleId, String requestId) {
    // Fail-closed: a callback with a guessed amount would be recorded as AMOUNT_MISMATCH.
    return call(HttpMethod.GET, selfUrl + "/api/v1/sales/" + saleId, null, null, requestId, null)
        .compose(reply -> reply.status() == 200
            ? Future.succeededFuture(reply.body().toJsonObject().getLong("priceCents"))
            : Future.failedFuture(passOn(reply, "the sale")))
        .recover(PaymentSimulator::unavailableUnlessProblem);
  }

  private Future<Reply> deliver(Buffer body, String requestId) {
    String signature = Signatures.hmacHex(config.paymentSecret(), body.getBytes());
    // Fail-closed: the shopper sees 503 and may press Pay again; stock-service dedupes by paymentId.
    return call(HttpMethod.POST, config.paymentCallbackUrl(), null, body, requestId, signature)
        .compose(reply -> reply.status() >= 500
            ? Future.failedFuture(new IllegalStateException("payment callback answered " + reply.status()))
            : Future.succeededFuture(reply))
        .recover(e -> {
          LOG.warn("simulated payment not delivered to {} (request {}): {}", config.paymentCallbackUrl(), requestId,
              e.toString());
          return Future.failedFuture(ProblemException.unavailable("the payment callback could not be delivered", 2));
        });
  }

  private Future<Reply> call(HttpMethod method, String url, String authorization, Buffer body, String requestId,
                             String signature) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setTimeout(TIMEOUT_MS);
    if (requestId != null) {
      options.putHeader("X-Request-Id", requestId);
    }
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    if (signature != null) {
      options.putHeader("X-Signature", signature).putHeader("Content-Type", "application/json");
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.getHeader("Content-Type"), b)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static <T> Future<T> unavailableUnlessProblem(Throwable e) {
    if (!(e instanceof ProblemException)) {
      LOG.warn("the payment simulator could not read the gateway's own API: {}", e.toString());
    }
    return Future.failedFuture(e instanceof ProblemException ? e
        : ProblemException.unavailable("the gateway could not read its own API", 1));
  }

  /** A refusal of the gateway's own API (rate limit, Redis down) reaches the shopper as that same problem. */
  private static ProblemException passOn(Reply reply, String what) {
    String code = null;
    try {
      code = reply.body().toJsonObject().getString("code");
    } catch (RuntimeException e) {
      // not problem+json: reported as unavailable below
    }
    for (ErrorCode known : ErrorCode.values()) {
      if (known.name().equals(code) && known.status() == reply.status()) {
        return new ProblemException(known, "reading " + what + " failed: " + code);
      }
    }
    return ProblemException.unavailable("reading " + what + " failed with " + reply.status(), 1);
  }
}
