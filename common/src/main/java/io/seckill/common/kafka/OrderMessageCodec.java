package io.seckill.common.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.common.order.OrderIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON encoding of {@link OrderMessage}; decoding checks the schema and says what is wrong. */
public final class OrderMessageCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private OrderMessageCodec() {
  }

  public static byte[] encode(OrderMessage message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode order " + message.orderId(), e);
    }
  }

  public static OrderMessage decode(byte[] bytes) throws InvalidOrderMessage {
    if (bytes == null) {
      throw new InvalidOrderMessage("empty value");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidOrderMessage("not JSON: " + abbreviate(new String(bytes, StandardCharsets.UTF_8)));
    }
    if (node == null || !node.isObject()) {
      throw new InvalidOrderMessage("not a JSON object");
    }
    String orderId = text(node, "orderId");
    long saleId = integral(node, "saleId");
    String userId = text(node, "userId");
    long quantity = integral(node, "quantity");
    long reservedAt = integral(node, "reservedAt");
    String requestId = node.hasNonNull("requestId") ? text(node, "requestId") : null;
    if (!OrderIds.valid(orderId) || OrderIds.saleIdOf(orderId) != saleId) {
      throw new InvalidOrderMessage("orderId '" + abbreviate(orderId) + "' is not an order id of sale " + saleId);
    }
    if (userId.isEmpty() || userId.length() > 64) {
      throw new InvalidOrderMessage("userId must be 1..64 characters");
    }
    if (quantity < 1 || quantity > 1_000) {
      throw new InvalidOrderMessage("quantity " + quantity + " out of range");
    }
    java.util.Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!java.util.Set.of("orderId", "saleId", "userId", "quantity", "reservedAt", "requestId").contains(name)) {
        throw new InvalidOrderMessage("unknown field '" + abbreviate(name) + "'");
      }
    }
    return new OrderMessage(orderId, saleId, userId, (int) quantity, reservedAt, requestId);
  }

  private static String text(JsonNode node, String field) throws InvalidOrderMessage {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidOrderMessage(field + " must be a string");
    }
    return value.asText();
  }

  private static long integral(JsonNode node, String field) throws InvalidOrderMessage {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
      throw new InvalidOrderMessage(field + " must be an integer");
    }
    return value.asLong();
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
