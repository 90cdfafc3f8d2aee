package io.seckill.stock.sale;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One row of {@code sale}, as the admin API shows it.
 *
 * @param endsAt   the effective end: the window's end, or the moment an operator ended the sale if earlier
 *                 (what warm-up writes into Redis, so reserve.lua answers ENDED from then on)
 * @param windowEndsAt the end of the window the sale was created (or last edited) with
 * @param paused   an operator paused admissions (POST .../pause) and has not resumed them
 * @param endedAt  when an operator ended the sale early (POST .../end), null otherwise
 * @param challengeDifficulty the proof-of-work's leading zero bits asked before a purchase token, null: no challenge
 */
public record Sale(long saleId, String itemName, long priceCents, int initialStock, int remaining, int perUserLimit,
                   Instant startsAt, Instant endsAt, int paymentTimeoutS, boolean requireToken, int stockBuckets,
                   Integer challengeDifficulty, Instant windowEndsAt, boolean paused, Instant endedAt) {

  public static Sale from(Row row) {
    Instant windowEnd = row.getOffsetDateTime("ends_at").toInstant();
    OffsetDateTime ended = row.getOffsetDateTime("ended_at");
    Instant endedAt = ended == null ? null : ended.toInstant();
    Instant effectiveEnd = endedAt != null && endedAt.isBefore(windowEnd) ? endedAt : windowEnd;
    return new Sale(row.getLong("sale_id"), row.getString("item_name"), row.getLong("price_cents"),
        row.getInteger("initial_stock"), row.getInteger("remaining"), row.getInteger("per_user_limit"),
        row.getOffsetDateTime("starts_at").toInstant(), effectiveEnd,
        row.getInteger("payment_timeout_s"), row.getBoolean("require_token"), row.getInteger("stock_buckets"),
        row.getInteger("challenge_difficulty"), windowEnd, row.getBoolean("paused"), endedAt);
  }

  /** The sale's Redis stock buckets (one unless the operator split it). */
  public java.util.List<io.seckill.common.redis.Bucket> buckets() {
    return io.seckill.common.redis.Bucket.all(saleId, stockBuckets);
  }

  /** OPEN by the clock alone: the window the gateway admits shoppers in. */
  public boolean openAt(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(endsAt);
  }

  /** What the operator sees: ENDED, PAUSED, UPCOMING or OPEN (sold out or not), by this clock. */
  public String stateAt(Instant now) {
    if (!now.isBefore(endsAt)) {
      return "ENDED";
    }
    if (paused) {
      return "PAUSED";
    }
    return now.isBefore(startsAt) ? "UPCOMING" : "OPEN";
  }

  /** The fields a create request sets, in its shape: what PATCH merges its body into. */
  public JsonObject editableJson() {
    return new JsonObject()
        .put("itemName", itemName)
        .put("priceCents", priceCents)
        .put("stock", initialStock)
        .put("startsAt", startsAt.toString())
        .put("endsAt", windowEndsAt.toString())
        .put("perUserLimit", perUserLimit)
        .put("paymentTimeoutSeconds", paymentTimeoutS)
        .put("requirePurchaseToken", requireToken)
        .put("stockBuckets", stockBuckets)
        .put("challenge", challengeJson());
  }

  /** {@code {"kind": "pow", "difficulty": N}}, or null for a sale that asks no proof-of-work. */
  private JsonObject challengeJson() {
    return challengeDifficulty == null ? null
        : new JsonObject().put("kind", SaleValidator.CHALLENGE_KIND).put("difficulty", challengeDifficulty);
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
        .put("challenge", challengeJson())
        .put("state", stateAt(Instant.now()))
        .put("paused", paused)
        .put("endedAt", endedAt == null ? null : endedAt.toString());
  }

  /** The sale row, or a 404 SALE_NOT_FOUND failure. */
  public static Future<Sale> load(SqlConnection connection, long saleId) {
    return connection.preparedQuery(SaleQueries.SALE_BY_ID).execute(Tuple.of(saleId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ProblemException(ErrorCode.SALE_NOT_FOUND, "no sale " + saleId);
      }
      return Sale.from(rows.iterator().next());
    });
  }

  /** The sale row locked against a concurrent control until {@code tx} ends, or a 404 SALE_NOT_FOUND failure. */
  static Future<Sale> lockForUpdate(SqlConnection tx, long saleId) {
    return tx.preparedQuery(SaleQueries.SALE_FOR_UPDATE).execute(Tuple.of(saleId)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(new ProblemException(ErrorCode.SALE_NOT_FOUND, "no sale " + saleId))
        : Future.succeededFuture(Sale.from(rows.iterator().next())));
  }

  /** The sale a conditional {@code UPDATE ... RETURNING} changed, or null when it changed none. */
  static Sale firstOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : Sale.from(rows.iterator().next());
  }
}
