package io.seckill.contract;

import static io.seckill.contract.BadInputCase.invalidUtf8;
import static io.seckill.contract.BadInputCase.of;
import static io.seckill.contract.BadInputCase.request;
import static io.seckill.contract.BadInputCase.utf8;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The bad-input rows shared by every endpoint: ids, bodies, media types, sizes, headers. */
final class BadInputTables {
  static final String INVALID = "INVALID_REQUEST";
  /** Never assigned: sale ids of the shared Redis stay far below this. */
  static final long UNKNOWN_SALE = 9_000_000_000_000_000_000L;

  /** Path ids that are not positive 64-bit integers (already percent-encoded for the path). */
  static final Map<String, String> BAD_SALE_IDS = orderedMap(
      "letters", "abc", "zero", "0", "negative", "-1", "decimal", "1.5", "exponent 1e400", "1e400",
      "2^63", "9223372036854775808", "twenty digits", "9999999999999999999",
      "encoded traversal", "..%2F..%2Fetc%2Fpasswd", "SQL injection", "1'%20OR%20'1'%3D'1",
      "SQL statement", "1%3BDROP%20TABLE%20orders", "Lua braces", "%7B1%7D", "glob", "*",
      "CRLF Redis command", "1%0D%0AFLUSHALL", "invalid UTF-8", "%FF%FE", "NUL byte", "1%00");

  /** Path ids that are not order ids ({@code <saleId>-<ULID>}). */
  static final Map<String, String> BAD_ORDER_IDS = orderedMap(
      "letters", "abc", "no ULID", "1-abc", "sale zero", "0-01ARZ3NDEKTSV4RRFFQ69G5FAV",
      "too long", "1-" + "0".repeat(63), "lowercase ULID", "1-01arz3ndektsv4rrffq69g5fav",
      "encoded traversal", "..%2F..%2Fetc%2Fpasswd", "SQL injection", "1'%20OR%20'1'%3D'1",
      "SQL statement", "1%3BDROP%20TABLE%20orders", "Lua braces", "%7B1%7D", "glob", "*",
      "CRLF Redis command", "1%0D%0AFLUSHALL", "invalid UTF-8", "%FF%FE",
      "sale id past 2^63", "9999999999999999999-01ARZ3NDEKTSV4RRFFQ69G5FAV",
      "sale id 2^63", "9223372036854775808-01ARZ3NDEKTSV4RRFFQ69G5FAV");

  /**
   * Fragments of parser and exception messages (NumberFormatException, Jackson, Java class names): a client-visible
   * detail is a fixed text of ours, so none of these may appear in one.
   */
  static final List<String> PARSER_TEXT = List.of("For input string", "Exception", "Unexpected character",
      "Cannot deserialize", "line:", "column:", "Unrecognized token", "Unexpected end-of-input", "java.", "io.vertx",
      "com.fasterxml", "tools.jackson", "at [Source");

  private BadInputTables() {
  }

  static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  /** Bodies no endpoint accepts as its JSON object, each paired with a content type of application/json. */
  static Map<String, byte[]> malformedBodies(int bodyLimit) {
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("malformed JSON", utf8("{\"quantity\":"));
    bodies.put("truncated JSON", utf8("{\"quantity\":1"));
    bodies.put("unquoted keys", utf8("{quantity:1}"));
    bodies.put("form encoding", utf8("quantity=1"));
    bodies.put("trailing garbage", utf8("{} x"));
    bodies.put("JSON array", utf8("[{}]"));
    bodies.put("JSON null", utf8("null"));
    bodies.put("JSON string", utf8("\"{}\""));
    bodies.put("JSON number", utf8("1"));
    bodies.put("empty body", new byte[0]);
    bodies.put("whitespace body", utf8("   "));
    bodies.put("invalid UTF-8 key", invalidUtf8("{\"", "\":1}"));
    bodies.put("deeply nested", utf8("{\"x\":" + "[".repeat(Math.min(3000, bodyLimit / 2 - 10)) + "]".repeat(Math.min(3000, bodyLimit / 2 - 10)) + "}"));
    return bodies;
  }

  /** Media types other than application/json on a request with a body. */
  static final List<String> WRONG_MEDIA_TYPES = List.of("text/plain", "application/xml",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "json");

  /** Rows every JSON-body endpoint must pass: malformed bodies (400), media types (415), size (413). */
  static List<BadInputCase> bodyRows(String endpoint, URI uri, Map<String, String> auth, int bodyLimit,
                                     String validBody) {
    List<BadInputCase> rows = new ArrayList<>();
    for (Map.Entry<String, byte[]> body : malformedBodies(bodyLimit).entrySet()) {
      if ("{}".equals(validBody) && body.getValue().length == 0) {
        continue; // a call that takes no input may come without a body
      }
      rows.add(of(endpoint + ": " + body.getKey(), request("POST", uri, json(auth), body.getValue()), 400, INVALID));
    }
    for (String type : WRONG_MEDIA_TYPES) {
      rows.add(of(endpoint + ": Content-Type " + type, request("POST", uri, with(auth, "Content-Type", type), utf8(validBody)),
          415, "UNSUPPORTED_MEDIA_TYPE"));
    }
    rows.add(of(endpoint + ": body without Content-Type", request("POST", uri, auth, utf8(validBody)), 415,
        "UNSUPPORTED_MEDIA_TYPE"));
    String padded = new JsonObject(validBody).put("pad", "x".repeat(bodyLimit)).encode();
    rows.add(of(endpoint + ": body over the limit", request("POST", uri, json(auth), utf8(padded)), 413, "PAYLOAD_TOO_LARGE"));
    rows.addAll(headerRows(endpoint, "POST", uri, json(auth), utf8(validBody)));
    return rows;
  }

  /** Oversized headers: the HTTP layer refuses them (431, or 400), as problem+json. */
  static List<BadInputCase> headerRows(String endpoint, String method, URI uri, Map<String, String> auth, byte[] body) {
    Map<String, String> many = new LinkedHashMap<>(auth);
    for (int i = 0; i < 40; i++) {
      many.put("X-Padding-" + i, "b".repeat(300));
    }
    return List.of(
        new BadInputCase(endpoint + ": one 9 KiB header", request(method, uri, with(auth, "X-Padding", "a".repeat(9 * 1024)), body),
            Set.of(431, 400), Set.of("HEADERS_TOO_LARGE", INVALID)),
        new BadInputCase(endpoint + ": 40 headers of 300 bytes", request(method, uri, many, body),
            Set.of(431, 400), Set.of("HEADERS_TOO_LARGE", INVALID)));
  }

  /** One row per bad id: {@code uriFor} builds the endpoint's URI around the raw (encoded) id. */
  static List<BadInputCase> idRows(String endpoint, Map<String, String> ids, Function<String, URI> uriFor, String method,
                                   Map<String, String> headers, byte[] body) {
    List<BadInputCase> rows = new ArrayList<>();
    ids.forEach((name, id) -> rows.add(of(endpoint + ": id " + name, request(method, uriFor.apply(id), headers, body), 400, INVALID)));
    return rows;
  }

  static Map<String, String> json(Map<String, String> headers) {
    return with(headers, "Content-Type", "application/json");
  }

  static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return all;
  }
}
