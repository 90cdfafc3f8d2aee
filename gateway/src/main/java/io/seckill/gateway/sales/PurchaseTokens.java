package io.seckill.gateway.sales;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.Bucket;
import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.admission.AdmissionService;
import io.seckill.gateway.admission.SoldOutFlags;
import io.seckill.gateway.guards.RequestGuards;
import io.seckill.gateway.guards.ShopperAuth;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /api/v1/sales/{saleId}/purchase-tokens}: a one-time purchase token for a shopper of an open sale who is
 * not blocked (after the sale's proof-of-work, when it asks one: {@link PowChallenges}).
 */
public final class PurchaseTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder TOKEN_ENCODING = Base64.getUrlEncoder().withoutPadding();

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SaleMetaCache metaCache;
  private final SoldOutFlags soldOut;
  private final PowChallenges challenges;
  private final int tokenTtlS;

  public PurchaseTokens(RedisAPI redis, RedisCalls calls, SaleMetaCache metaCache, SoldOutFlags soldOut,
                        PowChallenges challenges, int tokenTtlS) {
    this.redis = redis;
    this.calls = calls;
    this.metaCache = metaCache;
    this.soldOut = soldOut;
    this.challenges = challenges;
    this.tokenTtlS = tokenTtlS;
  }

  public void issueToken(RoutingContext ctx) {
    long saleId = RequestGuards.saleId(ctx);
    String userId = ShopperAuth.userId(ctx);
    PowChallenges.Answer answer = PowChallenges.answer(ctx);
    metaCache.get(saleId).compose(meta -> {
      ProblemException closed = meta.outsideWindow(metaCache.now());
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

  /**
   * The sale's meta once the shopper is known not to be on the operator's blocklist (the root bucket's copy,
   * one SISMEMBER). Fail-closed: no token when Redis cannot say.
   */
  private Future<SaleMeta> notBlocked(SaleMeta meta, String userId) {
    return calls.call("SISMEMBER blocked", () -> redis.sismember(Bucket.root(meta.saleId()).blocked(), userId))
        .compose(member -> member != null && member.toInteger() == 1
            ? Future.failedFuture(AdmissionService.blockedProblem()) : Future.succeededFuture(meta));
  }

  private Future<JsonObject> storeToken(SaleMeta meta, String userId) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String token = TOKEN_ENCODING.encodeToString(random);
    long expiresAt = metaCache.now() + tokenTtlS * 1000L;
    // Fail-closed: a token that was not stored would only be refused later. A split sale keeps the token
    // in every bucket, since reserve.lua checks it in whichever bucket the shopper's unit is taken from.
    List<Future<?>> stored = meta.allBuckets().stream().<Future<?>>map(b -> calls.call("SET token",
        () -> redis.set(List.of(b.token(token), userId, "EX", Integer.toString(tokenTtlS))))).toList();
    return Future.all(stored)
        .map(ok -> new JsonObject().put("token", token).put("expiresAt", Instant.ofEpochMilli(expiresAt).toString()));
  }
}
