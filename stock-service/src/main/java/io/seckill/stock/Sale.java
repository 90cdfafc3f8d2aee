package io.seckill.stock;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * One row of {@code sale}, as the admin API shows it.
 *
 * @param challengeDifficulty the proof-of-work's leading zero bits asked before a purchase token, null: no challenge
 */
public record Sale(long saleId, String itemName, long priceCents, int initialStock, int remaining, int perUserLimit,
                   Instant startsAt, Instant endsAt, int paymentTimeoutS, boolean requireToken, int stockBuckets,
                   Integer challengeDifficulty) {

  public static Sale from(Row row) {
    return new Sale(row.getLong("sale_id"), row.getString("item_name"), row.getLong("price_cents"),
        row.getInteger("initial_stock"), row.getInteger("remaining"), row.getInteger("per_user_limit"),
        row.getOffsetDateTime("starts_at").toInstant(), row.getOffsetDateTime("ends_at").toInstant(),
        row.getInteger("payment_timeout_s"), row.getBoolean("require_token"), row.getInteger("stock_buckets"),
        row.getInteger("challenge_difficulty"));
  }

  /** The sale's Redis stock buckets (one unless the operator split it). */
  public java.util.List<io.seckill.common.redis.Bucket> buckets() {
    return io.seckill.common.redis.Bucket.all(saleId, stockBuckets);
  }

  /** OPEN by the clock alone: the window the gateway admits shoppers in. */
  public boolean openAt(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(endsAt);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("saleId", saleId)
        .put("itemName", itemName)
        .put("priceCents", priceCents)
        .put("stock", initialStock)
        .put("remaining", remaining)
        .put("startsAt", startsAt.toString())
        .put("endsAt", endsAt.toString())
        .put("perUserLimit", perUserLimit)
        .put("paymentTimeoutSeconds", paymentTimeoutS)
        .put("requirePurchaseToken", requireToken)
        .put("stockBuckets", stockBuckets)
        .put("challenge", challengeDifficulty == null ? null
            : new JsonObject().put("kind", SaleValidator.CHALLENGE_KIND).put("difficulty", challengeDifficulty));
  }
}
