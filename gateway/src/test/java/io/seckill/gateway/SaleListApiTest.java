package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/sales}: states, pages, bad input and the short cache, against a gateway with its own database. */
class SaleListApiTest {
  private static GatewayHarness gw;

  @BeforeAll
  static void start() {
    // No cache here, so each test sees the sales it seeds; the cache has a test and a gateway of its own.
    gw = new GatewayHarness(Map.of("SECKILL_SALE_LIST_CACHE_TTL_MS", "0"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static JsonObject list(GatewayHarness on, String query) {
    HttpResponse<String> response = on.get("/api/v1/sales" + query, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return new JsonObject(response.body());
  }

  private static List<Long> ids(JsonObject page) {
    return page.getJsonArray("sales").stream().map(s -> ((JsonObject) s).getLong("saleId")).toList();
  }

  private static JsonObject item(JsonObject page, long saleId) {
    return page.getJsonArray("sales").stream().map(JsonObject.class::cast)
        .filter(s -> s.getLong("saleId") == saleId).findFirst().orElseThrow();
  }

  @Test
  void byDefaultListsOpenAndUpcomingSalesWithTheirFieldsWithoutAuthenticationAndNeverWarmUpSales() {
    long now = System.currentTimeMillis();
    long open = gw.seedSale(5, 1, false, now - 60_000, now + 3_600_000);
    long upcoming = gw.seedChallengeSale(5, 12, now + 600_000, now + 3_600_000);
    long ended = gw.seedSale(5, 1, false, now - 7_200_000, now - 3_600_000);
    long soldOut = gw.seedSale(0, 1, false, now - 60_000, now + 3_600_000);
    gw.execute("""
        INSERT INTO sale (sale_id, item_name, price_cents, initial_stock, remaining, per_user_limit, starts_at, ends_at,
                          payment_timeout_s) VALUES (9000000000000000123, 'warm-up', 1, 5, 5, 1, now() - interval '1 minute',
                          now() + interval '1 hour', 600)""");

    JsonObject page = list(gw, "");

    assertThat(ids(page)).contains(open, upcoming).doesNotContain(ended, soldOut, 9000000000000000123L);
    assertThat(Instant.parse(page.getString("serverTime"))).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(5, java.time.temporal.ChronoUnit.SECONDS));
    JsonObject openItem = item(page, open);
    assertThat(openItem.getString("state")).isEqualTo("OPEN");
    assertThat(openItem.getString("itemName")).isEqualTo("Test item");
    assertThat(openItem.getLong("priceCents")).isEqualTo(1999);
    assertThat(Instant.parse(openItem.getString("startsAt")).toEpochMilli()).isEqualTo(now - 60_000);
    assertThat(Instant.parse(openItem.getString("endsAt")).toEpochMilli()).isEqualTo(now + 3_600_000);
    assertThat(openItem.getBoolean("challengeRequired")).isFalse();
    JsonObject upcomingItem = item(page, upcoming);
    assertThat(upcomingItem.getString("state")).isEqualTo("UPCOMING");
    assertThat(upcomingItem.getBoolean("challengeRequired")).isTrue();
    assertThat(upcomingItem.getJsonObject("challenge").getInteger("difficulty")).isEqualTo(12);
    // An invalid bearer token changes nothing: the list needs none.
    HttpResponse<String> withJunkToken = gw.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url("/api/v1/sales")))
        .header("Authorization", "Bearer junk").GET().build());
    assertThat(withJunkToken.statusCode()).isEqualTo(200);
  }

  @Test
  void eachStateCanBeAskedForAloneOrTogether() {
    long now = System.currentTimeMillis();
    long open = gw.seedSale(5, 1, false, now - 60_000, now + 3_600_000);
    long upcoming = gw.seedSale(5, 1, false, now + 600_000, now + 3_600_000);
    long ended = gw.seedSale(5, 1, false, now - 7_200_000, now - 3_600_000);
    long soldOut = gw.seedSale(0, 1, false, now - 60_000, now + 3_600_000);

    assertThat(ids(list(gw, "?state=ENDED&limit=100"))).contains(ended).doesNotContain(open, upcoming, soldOut);
    assertThat(ids(list(gw, "?state=SOLD_OUT&limit=100"))).contains(soldOut).doesNotContain(open, upcoming, ended);
    assertThat(ids(list(gw, "?state=OPEN&limit=100"))).contains(open).doesNotContain(soldOut, upcoming, ended);
    assertThat(ids(list(gw, "?state=UPCOMING&limit=100"))).contains(upcoming).doesNotContain(open, soldOut, ended);
    JsonObject all = list(gw, "?state=OPEN,UPCOMING&state=ENDED,SOLD_OUT&limit=100");
    assertThat(ids(all)).contains(open, upcoming, ended, soldOut);
    assertThat(item(all, ended).getString("state")).isEqualTo("ENDED");
    assertThat(item(all, soldOut).getString("state")).isEqualTo("SOLD_OUT");
  }

  @Test
  void pagesFollowTheCursorInStartOrderWithEverySaleOnceAndNoCursorAfterTheLast() {
    long now = System.currentTimeMillis();
    List<Long> seeded = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // Far out, so no other test's sale falls between them.
      seeded.add(gw.seedSale(5, 1, false, now + 86_400_000L * 300 + i * 1000L, now + 86_400_000L * 301));
    }
    List<Long> seen = new ArrayList<>();
    List<String> starts = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = list(gw, "?state=UPCOMING&limit=2" + (cursor == null ? "" : "&cursor="
          + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      JsonArray sales = page.getJsonArray("sales");
      assertThat(sales.size()).isLessThanOrEqualTo(2);
      sales.stream().map(JsonObject.class::cast).forEach(s -> {
        seen.add(s.getLong("saleId"));
        starts.add(s.getString("startsAt"));
      });
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 100);

    assertThat(cursor).as("the last page has no next cursor").isNull();
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsSubsequence(seeded);
    assertThat(starts.stream().map(Instant::parse).toList()).isSorted();
    assertThat(list(gw, "?state=UPCOMING&limit=2").getString("nextCursor")).isNotNull();
  }

  @Test
  void badInputIs400ProblemJson() {
    String badCursor = Base64.getUrlEncoder().encodeToString("v1:abc:1".getBytes(StandardCharsets.US_ASCII));
    for (String query : List.of("?state=BOGUS", "?state=", "?state=OPEN,", "?state=open", "?limit=0", "?limit=101",
        "?limit=abc", "?limit=-1", "?limit=1&limit=2", "?cursor=%25%25%25", "?cursor=" + badCursor, "?cursor=",
        "?cursor=" + "A".repeat(65), "?page=2", "?state=OPEN&sort=price")) {
      HttpResponse<String> response = gw.get("/api/v1/sales" + query, null);
      assertThat(response.statusCode()).as(query + " → " + response.body()).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(new JsonObject(response.body()).getString("code")).isEqualTo("INVALID_REQUEST");
    }
  }

  @Test
  void eachQueryIsCachedBrieflyThenReloaded() {
    try (GatewayHarness cached = new GatewayHarness(Map.of("SECKILL_SALE_LIST_CACHE_TTL_MS", "3000"))) {
      long now = System.currentTimeMillis();
      long first = cached.seedSale(5, 1, false, now - 60_000, now + 3_600_000);
      assertThat(ids(list(cached, "?state=OPEN"))).containsExactly(first);

      long second = cached.seedSale(5, 1, false, now - 30_000, now + 3_600_000);

      assertThat(ids(list(cached, "?state=OPEN"))).as("the same query, from the cache").containsExactly(first);
      assertThat(ids(list(cached, "?state=OPEN&limit=50"))).as("another query, loaded").containsExactly(first, second);
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
          .until(() -> ids(list(cached, "?state=OPEN")).size() == 2);
    }
  }
}
