package io.seckill.stock.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.stock.sale.SaleValidator;
import org.junit.jupiter.api.Test;

/** An order's amount due (price x quantity), and the sale caps that keep it inside a long. */
class PaymentAmountTest {
  @Test
  void anAmountDueThatWouldOverflowMatchesNoPayment() {
    assertThat(PaymentProcessor.amountDue(1999, 3)).isEqualTo(5997);
    assertThat(PaymentProcessor.amountDue(Long.MAX_VALUE / 2 + 1, 2)).isEqualTo(-1);
    assertThat(SaleValidator.MAX_PRICE_CENTS * SaleValidator.MAX_PER_USER_LIMIT).as("the caps keep it in range")
        .isPositive().isLessThan(Long.MAX_VALUE);
  }
}
