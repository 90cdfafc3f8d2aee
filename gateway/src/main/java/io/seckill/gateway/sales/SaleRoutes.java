package io.seckill.gateway.sales;

import io.seckill.gateway.Answer;
import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.admission.AdmissionService;
import io.seckill.gateway.admission.SoldOutFlags;
import io.seckill.gateway.guards.RequestGuards;
import io.seckill.gateway.guards.ShopperAuth;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.Bucket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@code GET /api/v1/sales/{saleId}} and {@code POST /api/v1/sales/{saleId}/purchase-tokens} (after the sale's
 * proof-of-work, when it asks one: {@link PowChallenges}).
 */
public final class SaleRoutes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder TOKEN_ENCODING = Base64.getUrlEncoder().withoutPadding();

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SaleMetaCache metaCache;
  private final SoldOutFlags soldOut;
  private final PowChallenges challenges;
  private final int tokenTtlS;
  private final LongSupplier clock;

  public SaleRoutes(RedisAPI redis, RedisCalls calls, SaleMetaCache metaCache, SoldOutFlags soldOut,
                    PowChallenges challenges, int tokenTtlS, LongSupplier clock) {
    this.redis = redis;
    this.calls = calls;
    this.metaCache = metaCache;
    this.soldOut = soldOut;
    this.challenges = challenges;
    this.tokenTtlS = tokenTtlS;
    this.clock = clock;
  }

  public void getSale(RoutingContext ctx) {
    long saleId = RequestGuards.saleId(ctx);
    metaCache.get(saleId)
        .compose(meta -> remaining(meta).map(units -> view(meta, units)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private Future<Long> remaining(SaleMeta meta) {
    long saleId = meta.saleId();
    if (soldOut.isSoldOut(saleId)) {
      return Future.succeededFuture(0L);
    }
    // Fail closed: the view shows live stock or nothing (503). A split sale's stock is the sum of its
    // buckets, one GET each (they sit in different cluster slots).
    List<Future<Long>> stocks = meta.allBuckets().stream().map(b -> calls.call("GET stock", () -> redis.get(b.stock()))
        .map(stock -> stock == null ? 0L : Math.max(0L, stock.toLong()))).toList();
    return Future.all(stocks).map(all -> {
      long units = stocks.stream().mapToLong(Future::result).sum();
      if (units == 0) {
        soldOut.markSoldOut(saleId);
      }
      return units;
    });
  }

  private JsonObject view(SaleMeta meta, long remaining) {
    long now = clock.getAsLong();
    SaleState state = SaleState.of(meta.windowAt(now), meta.paused(), remaining);
    return new JsonObject().put("saleId", meta.saleId()).put("itemName", meta.itemName())
        .put("priceCents", meta.priceCents()).put("startsAt", meta.startsAtIso()).put("endsAt", meta.endsAtIso())
        .put("serverTime", Instant.ofEpochMilli(now).toString()).put("state", state.name()).put("remaining", remaining)
        .put("challengeRequired", meta.challengeRequired()).put("challenge", challenge(meta.challengeDifficulty()));
  }

  /** {@code {"kind": "pow", "difficulty": N}}, or null for a sale that asks none. */
  static JsonObject challenge(int difficulty) {
    return difficulty > 0 ? new JsonObject().put("kind", "pow").put("difficulty", difficulty) : null;
  }

  /**
   * The sale's meta once the shopper is known not to be on the operator's blocklist (the root bucket's copy,
   * one SISMEMBER). Fail closed: no token when Redis cannot say.
   */
  private Future<SaleMeta> notBlocked(SaleMeta meta, String userId) {
    return calls.call("SISMEMBER blocked", () -> redis.sismember(Bucket.root(meta.saleId()).blocked(), userId))
        .compose(member -> member != null && member.toInteger() == 1
            ? Future.failedFuture(AdmissionService.blockedProblem()) : Future.succeededFuture(meta));
  }

  public void issueToken(RoutingContext ctx) {
    long saleId = RequestGuards.saleId(ctx);
    String userId = ShopperAuth.userId(ctx);
    PowChallenges.Answer answer = PowChallenges.answer(ctx);
    metaCache.get(saleId).compose(meta -> {
      ProblemException closed = meta.outsideWindow(clock.getAsLong());
      if (closed != null) {
        return Future.failedFuture(closed);
      }
      if (soldOut.isSoldOut(saleId)) {
        return Future.failedFuture(new ProblemException(ErrorCode.SOLD_OUT, "every unit has been sold"));
      }
      return notBlocked(meta, userId)
          .compose(allowed -> challenges.verify(meta, userId, answer))
          .compose(solved -> storeToken(meta, userId));
    }).onSuccess(body -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(body.encode()))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> storeToken(SaleMeta meta, String userId) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String token = TOKEN_ENCODING.encodeToString(random);
    long expiresAt = clock.getAsLong() + tokenTtlS * 1000L;
    // Fail closed: a token that was not stored would only be refused later. A split sale keeps the token
    // in every bucket, since reserve.lua checks it in whichever bucket the shopper's unit is taken from.
    List<Future<?>> stored = meta.allBuckets().stream().<Future<?>>map(b -> calls.call("SET token",
        () -> redis.set(List.of(b.token(token), userId, "EX", Integer.toString(tokenTtlS))))).toList();
    return Future.all(stored)
        .map(ok -> new JsonObject().put("token", token).put("expiresAt", Instant.ofEpochMilli(expiresAt).toString()));
  }
}
