package io.seckill.stock;

import io.seckill.common.order.OrderIds;
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
        throw SaleValidator.invalid(field, "is not a known field");
      }
    }
    String paymentId = SaleValidator.text(body, "paymentId");
    if (!validPaymentId(paymentId)) {
      throw SaleValidator.invalid("paymentId", "must be 1 to 64 characters of [A-Za-z0-9._:-]");
    }
    String orderId = SaleValidator.text(body, "orderId");
    if (!OrderIds.valid(orderId)) {
      throw SaleValidator.invalid("orderId", "is not an order id");
    }
    long amount = SaleValidator.integer(body, "amountCents", 0, Long.MAX_VALUE);
    String outcome = SaleValidator.text(body, "outcome");
    if (!SUCCEEDED.equals(outcome) && !FAILED.equals(outcome)) {
      throw SaleValidator.invalid("outcome", "must be SUCCEEDED or FAILED");
    }
    return new PaymentCallback(paymentId, orderId, amount, outcome);
  }
}
