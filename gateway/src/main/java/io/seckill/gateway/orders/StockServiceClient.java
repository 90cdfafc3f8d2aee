package io.seckill.gateway.orders;

import io.seckill.common.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shopper-cancel hand-off: stock-service owns every change of a persisted order, so the
 * gateway forwards {@code POST /admin/v1/orders/{orderId}/cancel {userId}} with the cancel-only token (SECKILL_CANCEL_TOKEN).
 */
public final class StockServiceClient {
  private static final Logger LOG = LoggerFactory.getLogger(StockServiceClient.class);
  private static final long TIMEOUT_MS = 5000;

  /** What stock-service answered: passed through to the shopper as is when it is a 2xx or 4xx. */
  public record Reply(int status, String contentType, Buffer body) {
    /** Sends this reply to the shopper unchanged: status, content type and body. */
    public void sendTo(io.vertx.ext.web.RoutingContext ctx) {
      ctx.response().setStatusCode(status);
      if (contentType != null) {
        ctx.response().putHeader("Content-Type", contentType);
      }
      ctx.response().end(body);
    }
  }

  private final HttpClientAgent client;
  private final String baseUrl;
  private final String cancelToken;

  public StockServiceClient(Vertx vertx, String baseUrl, String cancelToken) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(true));
    this.baseUrl = baseUrl;
    this.cancelToken = cancelToken;
  }

  public Future<Reply> cancel(String orderId, String userId, String requestId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(baseUrl + "/admin/v1/orders/" + orderId + "/cancel")
        .setTimeout(TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + cancelToken)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Request-Id", requestId);
    Buffer body = new JsonObject().put("userId", userId).toBuffer();
    // Fail-closed: no cancel without stock-service; the shopper may retry (503 Retry-After).
    return client.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(b -> new Reply(response.statusCode(),
            response.getHeader("Content-Type"), b)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        // 504 OUTCOME_UNKNOWN (stock-service ran out of time, the cancel may have committed) is relayed, not a 503.
        .compose(reply -> reply.status() >= 500 && reply.status() != 504
            ? Future.failedFuture(new IllegalStateException("stock-service answered " + reply.status()))
            : Future.succeededFuture(reply))
        .recover(e -> {
          LOG.warn("cancel of order {} not handed to stock-service (request {}): {}", orderId, requestId, e.toString());
          return Future.failedFuture(ProblemException.unavailable("cancellation is unavailable, retry shortly", 2));
        });
  }

  public Future<Void> close() {
    return client.close();
  }
}
