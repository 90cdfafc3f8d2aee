package io.seckill.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.order.OrderIds;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OrderMessageCodecTest {
  private static final long SALE = 42;
  private static final String ORDER_ID = OrderIds.next(SALE);

  @Test
  void anEncodedOrderDecodesToTheSameOrder() throws Exception {
    OrderMessage order = new OrderMessage(ORDER_ID, SALE, "ann", 3, 1_700_000_000_000L, "req-1");

    assertThat(OrderMessageCodec.decode(OrderMessageCodec.encode(order))).isEqualTo(order);
  }

  @Test
  void anOrderWithoutARequestIdRoundTripsWithoutOne() throws Exception {
    OrderMessage order = new OrderMessage(ORDER_ID, SALE, "ann", 1, 0L, null);

    assertThat(OrderMessageCodec.decode(OrderMessageCodec.encode(order)).requestId()).isNull();
    assertThat(OrderMessageCodec.decode(bytes(valid().putNull("requestId"))).requestId()).isNull();
    JsonObject absent = valid();
    absent.remove("requestId");
    assertThat(OrderMessageCodec.decode(bytes(absent)).requestId()).isNull();
  }

  @Test
  void aMissingValueIsRefusedAsEmpty() {
    assertThatThrownBy(() -> OrderMessageCodec.decode(null))
        .isInstanceOf(InvalidOrderMessage.class).hasMessage("empty value");
  }

  @Test
  void bytesThatAreNotJsonAreRefusedQuotingTheirFirst80Characters() {
    String garbage = "x".repeat(100);

    assertThatThrownBy(() -> OrderMessageCodec.decode(garbage.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidOrderMessage.class).hasMessage("not JSON: " + "x".repeat(80) + "...");
  }

  @Test
  void jsonThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> OrderMessageCodec.decode("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidOrderMessage.class).hasMessage("not a JSON object");
  }

  @Test
  void aMissingOrMistypedTextFieldIsRefusedByName() {
    JsonObject missing = valid();
    missing.remove("userId");
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(missing))).hasMessage("userId must be a string");
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("orderId", 7))))
        .hasMessage("orderId must be a string");
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("requestId", 7))))
        .hasMessage("requestId must be a string");
  }

  @Test
  void aNumberThatIsNotAWholeLongIsRefusedByName() {
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("saleId", "42"))))
        .hasMessage("saleId must be an integer");
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("quantity", 1.5))))
        .hasMessage("quantity must be an integer");
    assertThatThrownBy(() -> OrderMessageCodec.decode(
        "{\"orderId\":\"%s\",\"saleId\":42,\"userId\":\"ann\",\"quantity\":1,\"reservedAt\":99999999999999999999}"
            .formatted(ORDER_ID).getBytes(StandardCharsets.UTF_8)))
        .hasMessage("reservedAt must be an integer");
  }

  @Test
  void anOrderIdThatIsMalformedOrOfAnotherSaleIsRefused() {
    String otherSale = OrderIds.next(SALE + 1);

    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("orderId", otherSale))))
        .isInstanceOf(InvalidOrderMessage.class).hasMessage("orderId '" + otherSale + "' is not an order id of sale 42");
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("orderId", "42-short"))))
        .hasMessage("orderId '42-short' is not an order id of sale 42");
  }

  @Test
  void aUserIdMustHaveOneTo64Characters() throws Exception {
    assertThat(OrderMessageCodec.decode(bytes(valid().put("userId", "u".repeat(64)))).userId()).hasSize(64);
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("userId", "u".repeat(65)))))
        .hasMessage("userId must be 1..64 characters");
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("userId", ""))))
        .hasMessage("userId must be 1..64 characters");
  }

  @Test
  void aQuantityMustBeFrom1To1000() throws Exception {
    assertThat(OrderMessageCodec.decode(bytes(valid().put("quantity", 1))).quantity()).isEqualTo(1);
    assertThat(OrderMessageCodec.decode(bytes(valid().put("quantity", 1_000))).quantity()).isEqualTo(1_000);
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("quantity", 0))))
        .hasMessage("quantity 0 out of range");
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("quantity", 1_001))))
        .hasMessage("quantity 1001 out of range");
  }

  @Test
  void anUnknownFieldIsRefusedByName() {
    assertThatThrownBy(() -> OrderMessageCodec.decode(bytes(valid().put("price", 10))))
        .isInstanceOf(InvalidOrderMessage.class).hasMessage("unknown field 'price'");
  }

  private static JsonObject valid() {
    return new JsonObject().put("orderId", ORDER_ID).put("saleId", SALE).put("userId", "ann").put("quantity", 1)
        .put("reservedAt", 1_700_000_000_000L).put("requestId", "req-1");
  }

  private static byte[] bytes(JsonObject json) {
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }
}
