package io.seckill.gateway.sales;

import io.seckill.common.http.ProblemException;
import io.seckill.common.warmup.WarmUpSales;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/sales}: the shoppers' list of sales, no authentication (the per-IP limit applies).
 *
 * <p>Read from PostgreSQL, so the state's stock is the database's {@code remaining} (orders already written);
 * a sale's own page shows the live Redis stock. Each distinct query is cached for a short time and the cached
 * value is the load's Future, so a stampede of misses makes one query. Loads in flight are capped so that
 * made-up cursors cannot take the small pool the gateway needs for settling orders: past the cap, 503.
 */
public final class SaleList {
  /** The gateway's pool is small (four connections): the list never holds more than two of them. */
  static final int MAX_LOADS_IN_FLIGHT = 2;
  private static final int MAX_ENTRIES = 1_000;
  private static final int RETRY_AFTER_S = 1;

  private record Page(JsonArray sales, String nextCursor) {
  }

  private record Timed(Future<Page> page, long expiresAt) {
  }

  private final Pool pg;
  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Timed> cache = new ConcurrentHashMap<>();
  private final AtomicInteger loading = new AtomicInteger();

  public SaleList(Pool pg, long ttlMs, LongSupplier clock) {
    this.pg = pg;
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  public void list(RoutingContext ctx) {
    SaleListQuery query = SaleListQuery.parse(ctx.queryParams());
    page(query).onSuccess(page -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-cache")
            .end(new JsonObject().put("serverTime", Instant.ofEpochMilli(clock.getAsLong()).toString())
                .put("sales", page.sales()).put("nextCursor", page.nextCursor()).encode()))
        .onFailure(ctx::fail);
  }

  private Future<Page> page(SaleListQuery query) {
    long now = clock.getAsLong();
    String key = query.cacheKey();
    Timed entry = cache.get(key);
    if (entry != null && entry.expiresAt() > now) {
      return entry.page();
    }
    if (loading.incrementAndGet() > MAX_LOADS_IN_FLIGHT) {
      loading.decrementAndGet();
      return Future.failedFuture(ProblemException.unavailable("the list of sales is busy; retry shortly", RETRY_AFTER_S));
    }
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
    Future<Page> load = load(query, now).onComplete(done -> loading.decrementAndGet());
    Timed fresh = new Timed(load, now + ttlMs);
    cache.put(key, fresh);
    // A failed load (database down) is not kept: the next request tries again.
    load.onFailure(e -> cache.remove(key, fresh));
    return load;
  }

  private Future<Page> load(SaleListQuery query, long now) {
    Tuple args = Tuple.of(OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC), WarmUpSales.FIRST_RESERVED,
        query.limit() + 1);
    if (query.after() != null) {
      args.addValue(OffsetDateTime.ofInstant(Instant.EPOCH.plus(query.after().startsAtMicros(), ChronoUnit.MICROS),
          ZoneOffset.UTC)).addValue(query.after().saleId());
    }
    // Fail-closed to 503: the list comes from the database or not at all.
    return pg.preparedQuery(sql(query)).execute(args).map(rows -> {
      JsonArray sales = new JsonArray();
      SaleListQuery.Position last = null;
      for (Row row : rows) {
        if (sales.size() == query.limit()) {
          return new Page(sales, last.encode());
        }
        Instant startsAt = row.getOffsetDateTime("starts_at").toInstant();
        Instant windowEnd = row.getOffsetDateTime("ends_at").toInstant();
        OffsetDateTime ended = row.getOffsetDateTime("ended_at");
        Instant endsAt = ended != null && ended.toInstant().isBefore(windowEnd) ? ended.toInstant() : windowEnd;
        SaleState state = SaleState.of(SaleMeta.window(now, startsAt.toEpochMilli(), endsAt.toEpochMilli()),
            row.getBoolean("paused"), row.getInteger("remaining"));
        Integer difficulty = row.getInteger("challenge_difficulty");
        long saleId = row.getLong("sale_id");
        sales.add(new JsonObject().put("saleId", saleId).put("itemName", row.getString("item_name"))
            .put("priceCents", row.getLong("price_cents")).put("startsAt", startsAt.toString())
            .put("endsAt", endsAt.toString()).put("state", state.name())
            .put("challengeRequired", difficulty != null)
            .put("challenge", SaleRoutes.challenge(difficulty == null ? 0 : difficulty)));
        last = new SaleListQuery.Position(ChronoUnit.MICROS.between(Instant.EPOCH, startsAt), saleId);
      }
      return new Page(sales, null);
    }).recover(e -> Future.failedFuture(ProblemException.unavailable("the list of sales is unavailable; retry shortly",
        RETRY_AFTER_S)));
  }

  /**
   * {@code $1} now, {@code $2} the first warm-up sale id (never listed), {@code $3} limit + 1 (one more tells
   * whether a next page exists), {@code $4, $5} the cursor's position. The state filter is {@link SaleState}'s
   * predicates, fixed text: no input reaches the SQL but through parameters.
   */
  static String sql(SaleListQuery query) {
    String states = query.states().stream().map(s -> "(" + s.sqlPredicate() + ")").collect(Collectors.joining(" OR "));
    return """
        SELECT sale_id, item_name, price_cents, remaining, starts_at, ends_at, ended_at, paused, challenge_difficulty
        FROM sale
        WHERE sale_id < $2 AND (%s)%s
        ORDER BY starts_at, sale_id
        LIMIT $3""".formatted(states, query.after() == null ? "" : " AND (starts_at, sale_id) > ($4, $5)");
  }
}
