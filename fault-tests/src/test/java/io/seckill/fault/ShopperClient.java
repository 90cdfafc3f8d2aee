package io.seckill.fault;

import io.seckill.common.auth.Signatures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The randomized run's HTTP calls, each recorded in the {@link History} with its answer: a shopper's purchase,
 * order read and cancel through the gateway, and the payment provider's signed callback to stock-service.
 * Blocking, called from the workload's shopper threads.
 */
final class ShopperClient implements AutoCloseable {
  /** Longer than every bound the services put on a purchase (Redis 1 s, Kafka delivery 3 s), so they answer first. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(6);
  static final long PRICE_CENTS = 19900;

  private final FaultStack stack;
  private final long saleId;
  private final History history;
  private final ExecutorService io = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "chaos-http");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http;

  ShopperClient(FaultStack stack, long saleId, History history) {
    this.stack = stack;
    this.saleId = saleId;
    this.history = history;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
        .executor(io).build();
  }

  History.Op buy(String shopper, String attempt, String idempotencyKey) {
    HttpRequest.Builder request = shopperRequest(shopper, "/api/v1/sales/" + saleId + "/orders")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(shopper, History.Kind.BUY, attempt, idempotencyKey, null, request.build());
  }

  History.Op read(String shopper, String orderId) {
    return send(shopper, History.Kind.GET, "poll", null, orderId,
        shopperRequest(shopper, "/api/v1/orders/" + orderId).GET().build());
  }

  History.Op cancel(String shopper, String orderId, String attempt) {
    return send(shopper, History.Kind.CANCEL, attempt, null, orderId,
        shopperRequest(shopper, "/api/v1/orders/" + orderId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  /** The provider's callback for a successful payment of the order's one unit; a redelivery reuses {@code paymentId}. */
  History.Op pay(String shopper, String orderId, String paymentId, String attempt) {
    byte[] body = new JsonObject().put("paymentId", paymentId).put("orderId", orderId).put("amountCents", PRICE_CENTS)
        .put("outcome", "SUCCEEDED").encode().getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(stack.stockServiceUri("/api/v1/payments/callback"))
        .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
        .header("X-Signature", Signatures.hmacHex(FaultStack.PAYMENT_SECRET, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return send(shopper, History.Kind.PAY, attempt, null, orderId, request);
  }

  private HttpRequest.Builder shopperRequest(String shopper, String path) {
    return HttpRequest.newBuilder(stack.gatewayUri(path)).timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + stack.jwt.mint(shopper, 3600));
  }

  private History.Op send(String shopper, History.Kind kind, String attempt, String key, String askedOrderId,
                          HttpRequest request) {
    long sent = history.now();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonObject body = json(response.body());
      int status = response.statusCode();
      String orderId = body.getString("orderId", response.headers().firstValue("Location")
          .map(location -> location.substring(location.lastIndexOf('/') + 1)).orElse(askedOrderId));
      // A success body carries the order's status; a problem body's "status" is the HTTP status, its order status
      // (a refused cancel) is "orderStatus", as is the payment callback's.
      String orderStatus = body.getValue("orderStatus") instanceof String s ? s
          : status < 300 && body.getValue("status") instanceof String s2 ? s2 : null;
      return history.record(shopper, kind, attempt, key, sent, status, body.getString("code"), orderId, orderStatus,
          Boolean.TRUE.equals(body.getValue("duplicate")), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return history.record(shopper, kind, attempt, key, sent, 0, null, askedOrderId, null, false, "interrupted");
    } catch (IOException e) {
      return history.record(shopper, kind, attempt, key, sent, 0, null, askedOrderId, null, false, failure(e));
    }
  }

  /** Refused means the request never left this machine's socket; a timeout or reset may have been processed. */
  private static String failure(IOException e) {
    if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return "refused";
    }
    if (e instanceof HttpTimeoutException) {
      return "timeout";
    }
    return "reset";
  }

  private static JsonObject json(String body) {
    try {
      return body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

  @Override
  public void close() {
    io.shutdownNow();
  }
}
