package io.seckill.stock.sale;

import static io.seckill.stock.http.HttpInput.integer;
import static io.seckill.stock.http.HttpInput.invalid;
import static io.seckill.stock.http.HttpInput.text;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/** Strict validation of a new sale: every field typed and bounded, unknown fields refused, the field named in the error. */
public final class SaleValidator {
  static final int MIN_PAYMENT_TIMEOUT_S = 10;
  static final int MAX_PAYMENT_TIMEOUT_S = 86_400;
  /** 10^12 cents: with at most {@link #MAX_PER_USER_LIMIT} units an order's amount (price x quantity) fits a long. */
  public static final long MAX_PRICE_CENTS = 1_000_000_000_000L;
  public static final int MAX_PER_USER_LIMIT = 1_000_000;
  /** The one challenge kind: a proof-of-work the gateway checks with one SHA-256 (docs/bots.md). */
  static final String CHALLENGE_KIND = "pow";
  /**
   * Leading zero bits of a proof-of-work. 28 bits is 2^28 expected hashes: minutes in a phone's browser, the
   * most a shopper waiting through a countdown can be asked; the V5 migration's CHECK holds the same range.
   */
  static final int MIN_CHALLENGE_DIFFICULTY = 1;
  static final int MAX_CHALLENGE_DIFFICULTY = 28;
  private static final Set<String> FIELDS = Set.of("itemName", "priceCents", "stock", "startsAt", "endsAt",
      "perUserLimit", "paymentTimeoutSeconds", "requirePurchaseToken", "stockBuckets", "challenge");
  private static final Set<String> CHALLENGE_FIELDS = Set.of("kind", "difficulty");

  private SaleValidator() {
  }

  /** A validated request to create a sale; challengeDifficulty null: no proof-of-work. */
  record NewSale(String itemName, long priceCents, int stock, Instant startsAt, Instant endsAt, int perUserLimit,
                 int paymentTimeoutS, boolean requireToken, int stockBuckets, Integer challengeDifficulty) {
  }

  static NewSale validate(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid(field, "is not a known field");
      }
    }
    String itemName = text(body, "itemName");
    if (itemName.isBlank() || itemName.length() > 200) {
      throw invalid("itemName", "must be 1 to 200 characters");
    }
    long priceCents = integer(body, "priceCents", 0, MAX_PRICE_CENTS);
    int stock = (int) integer(body, "stock", 0, Integer.MAX_VALUE);
    Instant startsAt = instant(body, "startsAt");
    Instant endsAt = instant(body, "endsAt");
    if (!endsAt.isAfter(startsAt)) {
      throw invalid("endsAt", "must be after startsAt");
    }
    int perUserLimit = (int) integer(body, "perUserLimit", 1, MAX_PER_USER_LIMIT);
    int timeout = (int) integer(body, "paymentTimeoutSeconds", MIN_PAYMENT_TIMEOUT_S, MAX_PAYMENT_TIMEOUT_S);
    Object token = body.getValue("requirePurchaseToken");
    if (token != null && !(token instanceof Boolean)) {
      throw invalid("requirePurchaseToken", "must be true or false");
    }
    // Optional: a hot sale split over Redis Cluster shards (Bucket.java); 1 keeps one bucket.
    int buckets = body.getValue("stockBuckets") == null ? 1
        : (int) integer(body, "stockBuckets", 1, io.seckill.common.redis.Bucket.MAX_BUCKETS);
    return new NewSale(itemName, priceCents, stock, startsAt, endsAt, perUserLimit, timeout, Boolean.TRUE.equals(token),
        buckets, challengeDifficulty(body));
  }

  /** Optional {@code "challenge": {"kind": "pow", "difficulty": N}}; absent or null: no challenge. */
  private static Integer challengeDifficulty(JsonObject body) {
    Object value = body.getValue("challenge");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject challenge)) {
      throw invalid("challenge", "must be an object like {\"kind\": \"pow\", \"difficulty\": 16}");
    }
    for (String field : challenge.fieldNames()) {
      if (!CHALLENGE_FIELDS.contains(field)) {
        throw invalid("challenge." + field, "is not a known field");
      }
    }
    if (!CHALLENGE_KIND.equals(challenge.getValue("kind"))) {
      throw invalid("challenge.kind", "must be \"" + CHALLENGE_KIND + "\"");
    }
    Object difficulty = challenge.getValue("difficulty");
    if (!(difficulty instanceof Integer || difficulty instanceof Long)) {
      throw invalid("challenge.difficulty", difficulty == null ? "is required" : "must be an integer");
    }
    long n = ((Number) difficulty).longValue();
    if (n < MIN_CHALLENGE_DIFFICULTY || n > MAX_CHALLENGE_DIFFICULTY) {
      throw invalid("challenge.difficulty", "must be between " + MIN_CHALLENGE_DIFFICULTY + " and " + MAX_CHALLENGE_DIFFICULTY);
    }
    return (int) n;
  }

  /**
   * The shape of a PATCH body before it is merged into the sale: known fields only, none null. Types and bounds
   * are then checked on the merged sale by {@link #validate}, exactly as for a new sale.
   */
  static void checkPatch(JsonObject patch) {
    for (String field : patch.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid(field, "is not a known field");
      }
      // null clears the one optional setting (the challenge); any other field is left out to be kept.
      if (patch.getValue(field) == null && !"challenge".equals(field)) {
        throw invalid(field, "must not be null (leave a field out to keep it)");
      }
    }
  }

  private static Instant instant(JsonObject body, String field) {
    try {
      return Instant.parse(text(body, field));
    } catch (DateTimeParseException e) {
      throw invalid(field, "must be an ISO-8601 UTC instant like 2026-11-26T12:00:00Z");
    }
  }
}
