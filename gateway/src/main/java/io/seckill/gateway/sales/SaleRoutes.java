package io.seckill.gateway.sales;

import io.seckill.gateway.RedisCalls;
import io.seckill.gateway.admission.SoldOutFlags;
import io.seckill.gateway.guards.RequestGuards;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/** {@code GET /api/v1/sales/{saleId}}: the sale, its state and its live stock. */
public final class SaleRoutes {
  private final RedisAPI redis;
  private final RedisCalls calls;
  private final SaleMetaCache metaCache;
  private final SoldOutFlags soldOut;
  private final LongSupplier clock;

  public SaleRoutes(RedisAPI redis, RedisCalls calls, SaleMetaCache metaCache, SoldOutFlags soldOut, LongSupplier clock) {
    this.redis = redis;
    this.calls = calls;
    this.metaCache = metaCache;
    this.soldOut = soldOut;
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
    // Fail-closed: the view shows live stock or nothing (503). A split sale's stock is the sum of its
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
}
