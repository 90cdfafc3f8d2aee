package io.seckill.stock.payment;

import io.micrometer.core.instrument.MeterRegistry;
import io.seckill.common.auth.Signatures;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.metrics.SeckillMeter;
import io.seckill.stock.http.HttpInput;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The payment provider's signed callback. The signature is checked over the raw bytes before anything is parsed. */
public final class PaymentRoutes {
  static final String SIGNATURE_HEADER = "X-Signature";
  public static final String CALLBACK_PATH = "/api/v1/payments/callback";

  private final PaymentProcessor processor;
  private final String secret;
  private final MeterRegistry registry;

  public PaymentRoutes(PaymentProcessor processor, String secret, MeterRegistry registry) {
    this.processor = processor;
    this.secret = secret;
    this.registry = registry;
  }

  public void mount(Router router) {
    router.post(CALLBACK_PATH).handler(HttpInput.requireJson()).handler(this::callback);
  }

  private void callback(RoutingContext ctx) {
    if (!Signatures.validHmac(secret, HttpInput.rawBody(ctx), ctx.request().getHeader(SIGNATURE_HEADER))) {
      count("bad_signature");
      ctx.fail(new ProblemException(ErrorCode.INVALID_SIGNATURE, "X-Signature is not the HMAC-SHA256 of this body"));
      return;
    }
    PaymentCallback callback = PaymentCallback.parse(HttpInput.jsonObject(ctx));
    processor.process(callback).onSuccess(outcome -> {
      count(outcome.result());
      JsonObject details = new JsonObject().put("orderId", outcome.orderId()).put("orderStatus", outcome.orderStatus());
      switch (outcome.result()) {
        case PaymentProcessor.Outcome.UNKNOWN_ORDER -> ctx.fail(new ProblemException(ErrorCode.ORDER_NOT_FOUND,
            "no order " + outcome.orderId() + "; the payment was recorded as UNKNOWN_ORDER", details, Map.of()));
        case PaymentProcessor.Outcome.AMOUNT_MISMATCH -> ctx.fail(new ProblemException(ErrorCode.AMOUNT_MISMATCH,
            "amountCents does not equal quantity x price; recorded as AMOUNT_MISMATCH, the order is unchanged",
            details, Map.of()));
        default -> ctx.json(details.put("result", outcome.result())
            .put("refundRequired", outcome.refundRequired()));
      }
    }).onFailure(ctx::fail);
  }

  private void count(String result) {
    SeckillMeter.PAYMENT_CALLBACKS.counter(registry, result).increment();
  }
}
