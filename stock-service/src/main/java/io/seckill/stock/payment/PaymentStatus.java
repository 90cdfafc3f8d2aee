package io.seckill.stock.payment;

/** What the payment provider says about one order when asked ({@link PaymentProvider#query}). */
sealed interface PaymentStatus {
  /** The metric tag of this answer ({@code seckill.payment.queries{result}}). */
  String result();

  /** The provider holds a payment for the order; applied exactly as a callback with these fields would be. */
  record Paid(long amountCents, String paymentId) implements PaymentStatus {
    @Override
    public String result() {
      return "paid";
    }
  }

  /** The provider holds no successful payment for the order: it may be cancelled. */
  record NotPaid() implements PaymentStatus {
    @Override
    public String result() {
      return "not_paid";
    }
  }

  /** No trustworthy answer (timeout, transport error, bad or unsigned response): the cancel waits for a retry. */
  record Unknown(String reason) implements PaymentStatus {
    @Override
    public String result() {
      return "unknown";
    }
  }
}
