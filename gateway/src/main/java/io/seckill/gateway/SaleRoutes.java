package io.seckill.gateway;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;

/** {@code GET /api/v1/sales/{saleId}} and {@code POST /api/v1/sales/{saleId}/purchase-tokens}. */
public final class SaleRoutes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder TOKEN_ENCODING = Base64.getUrlEncoder().withoutPadding();

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SaleMetaCache metaCache;
  private final SoldOutFlags soldOut;
  private final int tokenTtlS;
  private final LongSupplier clock;

  public SaleRoutes(RedisAPI redis, RedisCalls calls, SaleMetaCache metaCache, SoldOutFlags soldOut, int tokenTtlS,
                    LongSupplier clock) {
    this.redis = redis;
    this.calls = calls;
    this.metaCache = metaCache;
    this.soldOut = soldOut;
    this.tokenTtlS = tokenTtlS;
    this.clock = clock;
  }

  public void getSale(RoutingContext ctx) {
    long saleId = RequestGuards.saleId(ctx);
    metaCache.get(saleId)
        .compose(meta -> remaining(saleId).map(units -> view(meta, units)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private Future<Long> remaining(long saleId) {
    if (soldOut.isSoldOut(saleId)) {
      return Future.succeededFuture(0L);
    }
    // Fail closed: the view shows live stock or nothing (503).
    return calls.call("GET stock", () -> redis.get(RedisKeys.stock(saleId))).map(stock -> {
      long units = stock == null ? 0 : Math.max(0, stock.toLong());
      if (units == 0) {
        soldOut.markSoldOut(saleId);
      }
      return units;
    });
  }

  private JsonObject view(SaleMeta meta, long remaining) {
    long now = clock.getAsLong();
    String state = switch (meta.windowAt(now)) {
      case UPCOMING -> "UPCOMING";
      case ENDED -> "ENDED";
      case OPEN -> remaining > 0 ? "OPEN" : "SOLD_OUT";
    };
    return new JsonObject().put("saleId", meta.saleId()).put("itemName", meta.itemName())
        .put("priceCents", meta.priceCents()).put("startsAt", meta.startsAtIso()).put("endsAt", meta.endsAtIso())
        .put("serverTime", Instant.ofEpochMilli(now).toString()).put("state", state).put("remaining", remaining);
  }

  public void issueToken(RoutingContext ctx) {
    long saleId = RequestGuards.saleId(ctx);
    String userId = ShopperAuth.userId(ctx);
    metaCache.get(saleId).compose(meta -> {
      ProblemException closed = meta.outsideWindow(clock.getAsLong());
      if (closed != null) {
        return Future.failedFuture(closed);
      }
      if (soldOut.isSoldOut(saleId)) {
        return Future.failedFuture(new ProblemException(ErrorCode.SOLD_OUT, "every unit has been sold"));
      }
      byte[] random = new byte[16];
      RANDOM.nextBytes(random);
      String token = TOKEN_ENCODING.encodeToString(random);
      long expiresAt = clock.getAsLong() + tokenTtlS * 1000L;
      // Fail closed: a token that was not stored would only be refused later.
      return calls.call("SET token", () -> redis.set(List.of(RedisKeys.token(saleId, token), userId, "EX",
              Integer.toString(tokenTtlS))))
          .map(ok -> new JsonObject().put("token", token).put("expiresAt", Instant.ofEpochMilli(expiresAt).toString()));
    }).onSuccess(body -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(body.encode()))
        .onFailure(ctx::fail);
  }
}
