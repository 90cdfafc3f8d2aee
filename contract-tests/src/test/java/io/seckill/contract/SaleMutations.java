package io.seckill.contract;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** A valid new-sale body with exactly one thing wrong, row by row (a lenient validator would create a sale). */
final class SaleMutations {
  private SaleMutations() {
  }

  static Map<String, String> all(JsonObject valid) {
    Map<String, String> rows = new LinkedHashMap<>();
    raw(rows, valid, "priceCents 1e400", "priceCents", "1e400");
    raw(rows, valid, "priceCents 2^63", "priceCents", "9223372036854775808");
    raw(rows, valid, "priceCents 9999999999999999999", "priceCents", "9999999999999999999");
    raw(rows, valid, "priceCents -1", "priceCents", "-1");
    // Over 10^12 cents: price x quantity could overflow the amount a payment is checked against.
    raw(rows, valid, "priceCents 10^12 + 1", "priceCents", "1000000000001");
    raw(rows, valid, "priceCents decimal", "priceCents", "1.5");
    raw(rows, valid, "priceCents string", "priceCents", "\"100\"");
    raw(rows, valid, "stock -1", "stock", "-1");
    raw(rows, valid, "stock 2^31", "stock", "2147483648");
    raw(rows, valid, "stock 1e400", "stock", "1e400");
    raw(rows, valid, "stock null", "stock", "null");
    raw(rows, valid, "perUserLimit 0", "perUserLimit", "0");
    raw(rows, valid, "perUserLimit -1", "perUserLimit", "-1");
    raw(rows, valid, "perUserLimit 10^6 + 1", "perUserLimit", "1000001");
    raw(rows, valid, "paymentTimeoutSeconds 9", "paymentTimeoutSeconds", "9");
    raw(rows, valid, "paymentTimeoutSeconds 86401", "paymentTimeoutSeconds", "86401");
    raw(rows, valid, "paymentTimeoutSeconds 2^63", "paymentTimeoutSeconds", "9223372036854775808");
    raw(rows, valid, "startsAt not a date", "startsAt", "\"yesterday\"");
    raw(rows, valid, "startsAt epoch number", "startsAt", "1700000000");
    raw(rows, valid, "endsAt before startsAt", "endsAt", "\"2029-12-31T00:00:00Z\"");
    raw(rows, valid, "endsAt equal to startsAt", "endsAt", "\"2030-01-01T00:00:00Z\"");
    raw(rows, valid, "itemName empty", "itemName", "\"\"");
    raw(rows, valid, "itemName blank", "itemName", "\"   \"");
    raw(rows, valid, "itemName 201 characters", "itemName", "\"" + "n".repeat(201) + "\"");
    raw(rows, valid, "itemName number", "itemName", "5");
    raw(rows, valid, "requirePurchaseToken string", "requirePurchaseToken", "\"yes\"");
    raw(rows, valid, "requirePurchaseToken number", "requirePurchaseToken", "1");
    JsonObject missing = valid.copy();
    missing.remove("stock");
    rows.put("stock missing", missing.encode());
    rows.put("unknown field saleId", valid.copy().put("saleId", 1).encode());
    rows.put("unknown field remaining", valid.copy().put("remaining", 1_000_000).encode());
    return rows;
  }

  /** Replaces one field's value with raw JSON text (so numbers too big for Java can be sent). */
  private static void raw(Map<String, String> rows, JsonObject valid, String name, String field, String rawValue) {
    String marker = "\"__RAW__\"";
    rows.put(name, valid.copy().put(field, "__RAW__").encode().replace(marker, rawValue));
  }
}
