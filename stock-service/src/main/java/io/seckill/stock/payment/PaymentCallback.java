package io.seckill.stock.payment;

import io.seckill.common.order.OrderIds;
import io.seckill.stock.http.HttpInput;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.regex.Pattern;

/** A payment provider's callback, validated strictly (after its signature). */
record PaymentCallback(String paymentId, String orderId, long amountCents, String outcome) {
  static final String SUCCEEDED = "SUCCEEDED";
  static final String FAILED = "FAILED";
  private static final Set<String> FIELDS = Set.of("paymentId", "orderId", "amountCents", "outcome");
  private static final Pattern PAYMENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  static boolean validPaymentId(String paymentId) {
    return PAYMENT_ID.matcher(paymentId).matches();
  }

  static PaymentCallback parse(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw HttpInput.invalid(field, "is not a known field");
      }
    }
    String paymentId = HttpInput.text(body, "paymentId");
    if (!validPaymentId(paymentId)) {
      throw HttpInput.invalid("paymentId", "must be 1 to 64 characters of [A-Za-z0-9._:-]");
    }
    String orderId = HttpInput.text(body, "orderId");
    if (!OrderIds.valid(orderId)) {
      throw HttpInput.invalid("orderId", "is not an order id");
    }
    long amount = HttpInput.integer(body, "amountCents", 0, Long.MAX_VALUE);
    String outcome = HttpInput.text(body, "outcome");
    if (!SUCCEEDED.equals(outcome) && !FAILED.equals(outcome)) {
      throw HttpInput.invalid("outcome", "must be SUCCEEDED or FAILED");
    }
    return new PaymentCallback(paymentId, orderId, amount, outcome);
  }
}
