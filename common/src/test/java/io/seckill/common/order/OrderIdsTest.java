package io.seckill.common.order;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderIdsTest {
  @Test
  void aSaleIdPastTheLongRangeIsNoOrderIdInsteadOfANumberFormatException() {
    String tail = "-01ARZ3NDEKTSV4RRFFQ69G5FAV";

    assertThat(OrderIds.valid("9223372036854775807" + tail)).isTrue();
    assertThat(OrderIds.valid("9223372036854775808" + tail)).isFalse();
    assertThat(OrderIds.valid("9999999999999999999" + tail)).isFalse();
    assertThat(OrderIds.valid("9999999999999999999.3" + tail)).isFalse();
  }
}
