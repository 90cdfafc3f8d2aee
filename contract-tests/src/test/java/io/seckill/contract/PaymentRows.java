package io.seckill.contract;

import static io.seckill.contract.BadInputCase.of;
import static io.seckill.contract.BadInputCase.request;
import static io.seckill.contract.BadInputCase.utf8;
import static io.seckill.contract.BadInputTables.INVALID;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bad payment callbacks. Bodies are signed correctly (a forged signature is the security suite's), so
 * each row reaches the parser; each targets a live PENDING_PAYMENT order with the right amount, so a
 * lenient parser would mark it PAID.
 */
final class PaymentRows {
  private PaymentRows() {
  }

  static List<BadInputCase> all(URI callback, JsonObject valid) {
    List<BadInputCase> rows = new ArrayList<>();
    for (Map.Entry<String, byte[]> body : BadInputTables.malformedBodies(16 * 1024).entrySet()) {
      rows.add(signed("POST payment: " + body.getKey(), callback, body.getValue(), 400));
    }
    Map<String, String> bodies = new LinkedHashMap<>();
    raw(bodies, valid, "amountCents 1e400", "amountCents", "1e400");
    raw(bodies, valid, "amountCents 2^63", "amountCents", "9223372036854775808");
    raw(bodies, valid, "amountCents 9999999999999999999", "amountCents", "9999999999999999999");
    raw(bodies, valid, "amountCents -1", "amountCents", "-1");
    raw(bodies, valid, "amountCents decimal", "amountCents", "19900.0");
    raw(bodies, valid, "amountCents string", "amountCents", "\"19900\"");
    raw(bodies, valid, "outcome lowercase", "outcome", "\"succeeded\"");
    raw(bodies, valid, "outcome null", "outcome", "null");
    raw(bodies, valid, "orderId SQL injection", "orderId", "\"1' OR '1'='1\"");
    raw(bodies, valid, "orderId SQL statement", "orderId", "\"1;DROP TABLE orders\"");
    raw(bodies, valid, "orderId Lua braces", "orderId", "\"{1}\"");
    raw(bodies, valid, "orderId glob", "orderId", "\"*\"");
    raw(bodies, valid, "orderId CRLF", "orderId", "\"1\\r\\nFLUSHALL\"");
    raw(bodies, valid, "orderId number", "orderId", "1");
    raw(bodies, valid, "paymentId SQL injection", "paymentId", "\"p' OR '1'='1\"");
    raw(bodies, valid, "paymentId empty", "paymentId", "\"\"");
    raw(bodies, valid, "paymentId 65 characters", "paymentId", "\"" + "p".repeat(65) + "\"");
    bodies.put("unknown field", valid.copy().put("status", "PAID").encode());
    JsonObject missing = valid.copy();
    missing.remove("amountCents");
    bodies.put("amountCents missing", missing.encode());
    bodies.forEach((name, body) -> rows.add(signed("POST payment: " + name, callback, utf8(body), 400)));
    rows.add(signed("POST payment: invalid UTF-8 in paymentId", callback,
        BadInputCase.invalidUtf8("{\"paymentId\":\"p", "\",\"orderId\":\"" + valid.getString("orderId") + "\",\"amountCents\":"
            + valid.getLong("amountCents") + ",\"outcome\":\"SUCCEEDED\"}"), 400));

    String body = valid.encode();
    Map<String, String> signedJson = Map.of("Content-Type", "application/json", "X-Signature", ContractSystem.sign(body));
    for (String type : BadInputTables.WRONG_MEDIA_TYPES) {
      rows.add(of("POST payment: Content-Type " + type, request("POST", callback,
          BadInputTables.with(signedJson, "Content-Type", type), utf8(body)), 415, "UNSUPPORTED_MEDIA_TYPE"));
    }
    String padded = valid.copy().put("pad", "x".repeat(16 * 1024)).encode();
    rows.add(of("POST payment: body over the limit", request("POST", callback,
        Map.of("Content-Type", "application/json", "X-Signature", ContractSystem.sign(padded)), utf8(padded)), 413, "PAYLOAD_TOO_LARGE"));
    rows.addAll(BadInputTables.headerRows("POST payment", "POST", callback, signedJson, utf8(body)));
    return rows;
  }

  private static BadInputCase signed(String name, URI callback, byte[] body, int status) {
    String signature = io.seckill.common.auth.Signatures.hmacHex(ContractSystem.PAYMENT_SECRET, body);
    return of(name, request("POST", callback, Map.of("Content-Type", "application/json", "X-Signature", signature), body),
        status, INVALID);
  }

  private static void raw(Map<String, String> rows, JsonObject valid, String name, String field, String rawValue) {
    rows.put(name, valid.copy().put(field, "__RAW__").encode().replace("\"__RAW__\"", rawValue));
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
