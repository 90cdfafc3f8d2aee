package io.seckill.stock.payment;

import io.seckill.common.auth.Signatures;
import io.seckill.common.http.OnContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's order-query API, the shape Alipay's {@code trade.query} or Adyen's payment lookup take:
 * {@code GET {base}/v1/payments?merchantOrderId={orderId}}.
 *
 * <p>The request carries {@code X-Merchant-Id}, {@code X-Timestamp} (epoch seconds), {@code X-Nonce} (random,
 * single-use) and {@code X-Signature}: hex HMAC-SHA256 with the shared key over
 * {@code METHOD \n path \n query \n timestamp \n nonce}. The answer must carry {@code X-Timestamp} and
 * {@code X-Signature} over {@code timestamp \n our nonce \n raw body}: signing our nonce binds the answer to this
 * query, so a recorded answer cannot be replayed, and the timestamp must lie within {@link #MAX_SKEW_S} of our
 * clock. The body is {@code {"merchantOrderId", "status": PAID|NOT_PAID|FAILED|PENDING, "amountCents",
 * "paymentId"}}. Anything unsigned, forged, stale, about another order or malformed is UNKNOWN (and logged): only
 * a verified answer may cancel an order or mark it paid.
 */
final class HttpPaymentProvider implements PaymentProvider {
  static final String QUERY_PATH = "/v1/payments";
  static final String MERCHANT_HEADER = "X-Merchant-Id";
  static final String TIMESTAMP_HEADER = "X-Timestamp";
  static final String NONCE_HEADER = "X-Nonce";
  static final String SIGNATURE_HEADER = "X-Signature";
  static final long MAX_SKEW_S = 300;
  private static final Logger LOG = LoggerFactory.getLogger(HttpPaymentProvider.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final URI base;
  private final String merchantId;
  private final String key;
  private final int timeoutMs;
  private final Clock clock;

  HttpPaymentProvider(Vertx vertx, PaymentQueryConfig config, Clock clock) {
    this.vertx = vertx;
    this.base = URI.create(config.url());
    this.merchantId = config.merchantId();
    this.key = config.key();
    this.timeoutMs = config.timeoutMs();
    this.clock = clock;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.timeoutMs())
        .setKeepAlive(true).setSsl("https".equalsIgnoreCase(base.getScheme())),
        new PoolOptions().setHttp1MaxSize(config.concurrency()));
  }

  /** The string the query's signature covers. */
  static String requestToSign(String method, String path, String query, long timestamp, String nonce) {
    return method + "\n" + path + "\n" + query + "\n" + timestamp + "\n" + nonce;
  }

  /** The bytes the answer's signature covers. */
  static byte[] responseToSign(String timestamp, String nonce, Buffer body) {
    return Buffer.buffer(timestamp + "\n" + nonce + "\n").appendBuffer(body).getBytes();
  }

  /** On a Vert.x context whoever calls ({@link OnContext}); the stock-service's sweeps call it on their event loop. */
  @Override
  public Future<PaymentStatus> query(String orderId) {
    return OnContext.run(vertx, () -> queryOnContext(orderId));
  }

  private Future<PaymentStatus> queryOnContext(String orderId) {
    String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    String path = basePath + QUERY_PATH;
    String query = "merchantOrderId=" + URLEncoder.encode(orderId, StandardCharsets.UTF_8);
    long timestamp = clock.instant().getEpochSecond();
    String nonce = nonce();
    String signature = Signatures.hmacHex(key,
        requestToSign("GET", path, query, timestamp, nonce).getBytes(StandardCharsets.UTF_8));
    int port = base.getPort() > 0 ? base.getPort() : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost()).setPort(port)
        .setURI(path + "?" + query).setIdleTimeout(timeoutMs)
        .putHeader(MERCHANT_HEADER, merchantId).putHeader(TIMESTAMP_HEADER, Long.toString(timestamp))
        .putHeader(NONCE_HEADER, nonce).putHeader(SIGNATURE_HEADER, signature).putHeader("Accept", "application/json");
    // Fail towards UNKNOWN: no answer never cancels an order; the caller retries, then cancels when retries run out.
    return client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> verified(orderId, nonce, response, body)))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(failure -> {
          LOG.warn("payment query for order {} failed: {}", orderId, failure.toString());
          return Future.succeededFuture(new PaymentStatus.Unknown("transport: " + failure.getMessage()));
        });
  }

  private PaymentStatus verified(String orderId, String nonce, HttpClientResponse response, Buffer body) {
    if (response.statusCode() != 200) {
      return unknown(orderId, "the provider answered HTTP " + response.statusCode());
    }
    String timestamp = response.getHeader(TIMESTAMP_HEADER);
    String signature = response.getHeader(SIGNATURE_HEADER);
    if (timestamp == null || signature == null) {
      return unknown(orderId, "the answer is not signed");
    }
    String expected = Signatures.hmacHex(key, responseToSign(timestamp, nonce, body));
    if (!Signatures.constantTimeEquals(expected, signature.toLowerCase())) {
      return unknown(orderId, "the answer's signature does not verify");
    }
    long signedAt;
    try {
      signedAt = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return unknown(orderId, "the answer's timestamp is not a number");
    }
    if (Math.abs(clock.instant().getEpochSecond() - signedAt) > MAX_SKEW_S) {
      return unknown(orderId, "the answer is stale (signed at " + signedAt + ")");
    }
    JsonObject answer;
    try {
      answer = body.toJsonObject();
    } catch (RuntimeException e) {
      return unknown(orderId, "the answer is not a JSON object");
    }
    if (!orderId.equals(answer.getValue("merchantOrderId"))) {
      return unknown(orderId, "the answer is about another order");
    }
    Object status = answer.getValue("status");
    if ("NOT_PAID".equals(status) || "FAILED".equals(status)) {
      return new PaymentStatus.NotPaid();
    }
    if (!"PAID".equals(status)) {
      // PENDING (the shopper is mid-payment) and anything unexpected: ask again later.
      return unknown(orderId, "the answer's status is " + status);
    }
    Object amount = answer.getValue("amountCents");
    Object paymentId = answer.getValue("paymentId");
    if (!(amount instanceof Number number) || number.longValue() < 0 || number.doubleValue() != number.longValue()
        || !(paymentId instanceof String id) || !PaymentCallback.validPaymentId(id)) {
      return unknown(orderId, "a PAID answer without a valid amountCents and paymentId");
    }
    return new PaymentStatus.Paid(number.longValue(), id);
  }

  private static PaymentStatus unknown(String orderId, String reason) {
    LOG.warn("payment query for order {}: {}; treated as UNKNOWN", orderId, reason);
    return new PaymentStatus.Unknown(reason);
  }

  private static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    client.close();
  }
}
