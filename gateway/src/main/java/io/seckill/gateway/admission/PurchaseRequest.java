package io.seckill.gateway.admission;

import io.seckill.common.http.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/sales/{saleId}/orders}, parsed strictly: a JSON object with an
 * integer {@code quantity} in 1..{@value #MAX_QUANTITY} and an optional string {@code token};
 * anything else is 400 INVALID_REQUEST. Over-the-limit quantities are the sale's call (422).
 */
public record PurchaseRequest(int quantity, String token) {
  public static final int MAX_QUANTITY = 1000;
  private static final Set<String> FIELDS = Set.of("quantity", "token");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public static PurchaseRequest parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw ProblemException.invalid("a JSON body {quantity, token?} is required");
    }
    Object decoded;
    try {
      decoded = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ProblemException.invalid("the body is not valid JSON");
    }
    if (!(decoded instanceof JsonObject json)) {
      throw ProblemException.invalid("the body must be a JSON object");
    }
    for (String name : json.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw ProblemException.invalid("unknown field '" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
      }
    }
    Object quantity = json.getValue("quantity");
    if (!(quantity instanceof Integer || quantity instanceof Long)) {
      throw ProblemException.invalid("quantity must be an integer");
    }
    long q = ((Number) quantity).longValue();
    if (q < 1 || q > MAX_QUANTITY) {
      throw ProblemException.invalid("quantity must be between 1 and " + MAX_QUANTITY);
    }
    Object token = json.getValue("token");
    if (token != null && !(token instanceof String)) {
      throw ProblemException.invalid("token must be a string");
    }
    return new PurchaseRequest((int) q, (String) token);
  }

  /** A token that can be looked up at all; a malformed one is simply not valid (403 when the sale requires one). */
  public boolean hasWellFormedToken() {
    return token != null && TOKEN.matcher(token).matches();
  }

  /** SHA-256 of the canonical body: the same request in any field order or spacing has the same fingerprint. */
  public String fingerprint() {
    String canonical = "quantity=" + quantity + "&token=" + (token == null ? "" : token);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
