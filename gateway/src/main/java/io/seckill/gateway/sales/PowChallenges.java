package io.seckill.gateway.sales;

import io.seckill.gateway.Answer;
import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.guards.RequestGuards;
import io.seckill.gateway.guards.ShopperAuth;
import io.seckill.common.auth.ProofOfWork;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.redis.SeckillScripts;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The proof-of-work a sale may ask of shoppers before a purchase token ({@link ProofOfWork}, docs/bots.md).
 * {@code POST /api/v1/sales/{id}/challenges} hands a shopper a random nonce, kept in Redis under the sale's
 * tag (bucket 0) as {@code challenge:<nonce> → userId} with a TTL; the purchase-token request brings it back
 * with a solution. The nonce is deleted by the same step that checks it belongs to the caller
 * (compare_and_delete.lua), before the hash is looked at: right or wrong, a nonce is used once, so a bot cannot
 * grind against one nonce online, and a replay finds nothing.
 */
public final class PowChallenges {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** 24 random bytes: 192 bits, 32 base64url characters. */
  private static final int NONCE_BYTES = 24;
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern SOLUTION = Pattern.compile("[0-9]{1,20}");
  private static final Set<String> ANSWER_FIELDS = Set.of("nonce", "solution");

  /** A shopper's answer to a challenge, as the purchase-token request carries it. */
  public record Answer(String nonce, String solution) {
  }

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SaleMetaCache metaCache;
  private final int ttlS;
  private final LongSupplier clock;

  public PowChallenges(RedisAPI redis, RedisCalls calls, SaleMetaCache metaCache, int ttlS, LongSupplier clock) {
    this.redis = redis;
    this.calls = calls;
    this.metaCache = metaCache;
    this.ttlS = ttlS;
    this.clock = clock;
  }

  /** {@code POST /api/v1/sales/{saleId}/challenges}: a fresh nonce for the caller, every call (each is single-use). */
  public void issue(RoutingContext ctx) {
    long saleId = RequestGuards.saleId(ctx);
    String userId = ShopperAuth.userId(ctx);
    metaCache.get(saleId).compose(meta -> {
      if (!meta.challengeRequired()) {
        return Future.failedFuture(new ProblemException(ErrorCode.CHALLENGE_NOT_REQUIRED, "sale " + saleId
            + " asks for no proof-of-work: request a purchase token directly"));
      }
      long now = clock.getAsLong();
      // Upcoming is fine: shoppers solve during the countdown. An ended sale has nothing left to buy.
      if (meta.windowAt(now) == SaleMeta.Window.ENDED) {
        return Future.failedFuture(meta.outsideWindow(now));
      }
      byte[] random = new byte[NONCE_BYTES];
      RANDOM.nextBytes(random);
      String nonce = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      // Fail-closed: a nonce that was not stored would only be refused at the purchase token.
      return calls.call("SET challenge", () -> redis.set(List.of(RedisKeys.challenge(saleId, nonce), userId, "EX",
              Integer.toString(ttlS), "NX")))
          .map(ok -> new JsonObject().put("kind", "pow").put("nonce", nonce).put("difficulty", meta.challengeDifficulty())
              .put("expiresAt", Instant.ofEpochMilli(now + ttlS * 1000L).toString()));
    }).onSuccess(body -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode())).onFailure(ctx::fail);
  }

  /**
   * The purchase-token request's body: none or {@code {}} (null), or {@code {"nonce": "...", "solution": "123"}}.
   * Anything else is a 400 that spends nothing.
   */
  public static Answer answer(RoutingContext ctx) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      return null;
    }
    JsonObject body;
    try {
      Object parsed = raw.toJsonValue();
      if (!(parsed instanceof JsonObject object)) {
        throw ProblemException.invalid("the body must be a JSON object: {} or {\"nonce\": ..., \"solution\": ...}");
      }
      body = object;
    } catch (DecodeException e) {
      throw ProblemException.invalid("the body is not valid JSON");
    }
    if (body.isEmpty()) {
      return null;
    }
    for (String field : body.fieldNames()) {
      if (!ANSWER_FIELDS.contains(field)) {
        throw ProblemException.invalid(field + " is not a known field (expected nonce and solution)");
      }
    }
    if (!(body.getValue("nonce") instanceof String nonce) || !NONCE.matcher(nonce).matches()) {
      throw ProblemException.invalid("nonce must be the string POST .../challenges returned");
    }
    if (!(body.getValue("solution") instanceof String solution) || !SOLUTION.matcher(solution).matches()) {
      throw ProblemException.invalid("solution must be a string of 1 to 20 decimal digits");
    }
    return new Answer(nonce, solution);
  }

  /**
   * Succeeds when the sale asks for no challenge, or when the answer's nonce was this shopper's, unspent, and
   * solved; the nonce is spent either way. Fail-closed: without Redis no nonce can be shown unspent.
   */
  public Future<Void> verify(SaleMeta meta, String userId, Answer answer) {
    if (!meta.challengeRequired()) {
      return Future.succeededFuture();
    }
    if (answer == null) {
      return Future.failedFuture(new ProblemException(ErrorCode.CHALLENGE_REQUIRED, "sale " + meta.saleId()
          + " asks for a proof-of-work: POST /api/v1/sales/" + meta.saleId() + "/challenges, solve it, and send "
          + "{\"nonce\": ..., \"solution\": ...} with this request"));
    }
    String key = RedisKeys.challenge(meta.saleId(), answer.nonce());
    return calls.call("EVALSHA compare_and_delete challenge",
            () -> SeckillScripts.COMPARE_AND_DELETE.run(redis, List.of(key), List.of(userId)))
        .compose(deleted -> {
          if (deleted == null || deleted.toInteger() != 1) {
            return Future.failedFuture(new ProblemException(ErrorCode.CHALLENGE_EXPIRED, "that challenge is expired, "
                + "already used or not yours: ask for a new one"));
          }
          if (!ProofOfWork.solves(answer.nonce(), userId, answer.solution(), meta.challengeDifficulty())) {
            return Future.failedFuture(new ProblemException(ErrorCode.CHALLENGE_FAILED, "the solution does not give "
                + meta.challengeDifficulty() + " leading zero bits; the challenge is spent, ask for a new one"));
          }
          return Future.succeededFuture();
        });
  }
}
