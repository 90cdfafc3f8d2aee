package io.seckill.stock.payment;

import io.seckill.common.auth.Signatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A payment provider's order-query API for tests, written from the wire contract in {@link HttpPaymentProvider}'s
 * javadoc rather than from its code: it checks each query's merchant, timestamp, single-use nonce and HMAC
 * (401 otherwise), and answers each order as the test told it to — PAID, NOT_PAID, 500, never, forged, unsigned,
 * stale, about another order, or held until the test releases it.
 */
public final class FakePaymentProvider implements AutoCloseable {
  static final String MERCHANT = "seckill-test-merchant";
  public static final String KEY = "provider-key-0123456789-0123456789-abcdef";

  /** How the fake answers one order. */
  sealed interface Answer {
  }

  record Paid(long amountCents, String paymentId) implements Answer {
  }

  record NotPaid() implements Answer {
  }

  record ServerError() implements Answer {
  }

  /** Never answers (the client's timeout decides). */
  record Silent() implements Answer {
  }

  /** A real answer whose signature was made with another key. */
  record Forged(Answer real) implements Answer {
  }

  record Unsigned(Answer real) implements Answer {
  }

  /** Correctly signed, but with a timestamp ten minutes old. */
  record Stale(Answer real) implements Answer {
  }

  /** Correctly signed, but about another order (a replay of someone else's answer). */
  record OtherOrder(String otherOrderId, Answer real) implements Answer {
  }

  /** Answers {@code real} once the test completes {@code release}. */
  record Held(Future<Void> release, Answer real) implements Answer {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final Set<String> nonces = ConcurrentHashMap.newKeySet();
  final AtomicInteger rejected = new AtomicInteger();
  final AtomicInteger verified = new AtomicInteger();

  FakePaymentProvider() {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  void answer(String orderId, Answer answer) {
    answers.put(orderId, answer);
  }

  /** Queries about this order that passed the signature check. */
  int queries(String orderId) {
    AtomicInteger n = queries.get(orderId);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpServerRequest request) {
    String orderId = request.getParam("merchantOrderId");
    String timestamp = request.getHeader("X-Timestamp");
    String nonce = request.getHeader("X-Nonce");
    String signature = request.getHeader("X-Signature");
    boolean fresh = timestamp != null && timestamp.matches("\\d{1,12}")
        && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) <= 300;
    String signed = request.method().name() + "\n" + request.path() + "\n" + request.query() + "\n" + timestamp + "\n"
        + nonce;
    boolean valid = MERCHANT.equals(request.getHeader("X-Merchant-Id")) && fresh && nonce != null && signature != null
        && "/v1/payments".equals(request.path()) && orderId != null
        && Signatures.constantTimeEquals(hmac(KEY, signed), signature) && nonces.add(nonce);
    if (!valid) {
      rejected.incrementAndGet();
      request.response().setStatusCode(401).end("{\"error\":\"bad signature\"}");
      return;
    }
    verified.incrementAndGet();
    queries.computeIfAbsent(orderId, id -> new AtomicInteger()).incrementAndGet();
    respond(request, orderId, nonce, answers.getOrDefault(orderId, new NotPaid()));
  }

  private void respond(HttpServerRequest request, String orderId, String nonce, Answer answer) {
    long now = Instant.now().getEpochSecond();
    if (answer instanceof ServerError) {
      request.response().setStatusCode(500).end("{\"error\":\"internal\"}");
    } else if (answer instanceof Silent) {
      // no answer at all: the client's timeout decides
    } else if (answer instanceof Held held) {
      held.release().onComplete(go -> respond(request, orderId, nonce, held.real()));
    } else if (answer instanceof Forged forged) {
      send(request, body(orderId, forged.real()), now, nonce, "another-key-0123456789-0123456789-xyz");
    } else if (answer instanceof Unsigned unsigned) {
      request.response().putHeader("Content-Type", "application/json").end(body(orderId, unsigned.real()));
    } else if (answer instanceof Stale stale) {
      send(request, body(orderId, stale.real()), now - 600, nonce, KEY);
    } else if (answer instanceof OtherOrder other) {
      send(request, body(other.otherOrderId(), other.real()), now, nonce, KEY);
    } else {
      send(request, body(orderId, answer), now, nonce, KEY);
    }
  }

  private static String body(String orderId, Answer answer) {
    JsonObject body = new JsonObject().put("merchantOrderId", orderId);
    if (answer instanceof Paid paid) {
      body.put("status", "PAID").put("amountCents", paid.amountCents()).put("paymentId", paid.paymentId());
    } else {
      body.put("status", "NOT_PAID");
    }
    return body.encode();
  }

  private static void send(HttpServerRequest request, String body, long timestamp, String nonce, String key) {
    request.response().putHeader("Content-Type", "application/json").putHeader("X-Timestamp", Long.toString(timestamp))
        .putHeader("X-Signature", hmac(key, timestamp + "\n" + nonce + "\n" + body)).end(body);
  }

  private static String hmac(String key, String text) {
    return Signatures.hmacHex(key, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The stock-service variables that point the http provider at this fake. */
  Map<String, String> env() {
    return Map.of("SECKILL_PAYMENT_PROVIDER", "http", "SECKILL_PAYMENT_PROVIDER_URL", url(),
        "SECKILL_PAYMENT_PROVIDER_MERCHANT_ID", MERCHANT, "SECKILL_PAYMENT_PROVIDER_KEY", KEY);
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
