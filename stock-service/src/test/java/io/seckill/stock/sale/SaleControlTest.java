package io.seckill.stock.sale;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.stock.OneStockServiceTest;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pause, resume, end, edit before opening and the blocklist: their effect in reserve.lua, idempotency, audit rows. */
class SaleControlTest extends OneStockServiceTest {

  private HttpResponse<String> control(long saleId, String action, String operator) {
    Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Bearer " + StockHarness.ADMIN_TOKEN));
    if (operator != null) {
      headers.put("X-Seckill-Operator", operator);
    }
    return harness.send(service, "/admin/v1/sales/" + saleId + "/" + action, "POST", null, headers);
  }

  private HttpResponse<String> patch(long saleId, JsonObject body) {
    return harness.send(service, "/admin/v1/sales/" + saleId, "PATCH", body.encode(),
        Map.of("Authorization", "Bearer " + StockHarness.ADMIN_TOKEN, "X-Seckill-Operator", "ops@shop"));
  }

  private HttpResponse<String> blocklist(String method, String userId) {
    return harness.send(service, "/admin/v1/blocklist/" + userId, method, null,
        Map.of("Authorization", "Bearer " + StockHarness.ADMIN_TOKEN, "X-Seckill-Operator", "ops@shop"));
  }

  /** reserve.lua as the gateway calls it (with the blocked set), in the given bucket; the outcome's first element. */
  private String reserve(Bucket b, String userId) {
    String orderId = OrderIds.next(b);
    Response r = SeckillScripts.RESERVE.run(harness.redis, List.of(b.stock(), b.meta(), b.buyers(), b.pending(),
        b.stock(), b.order(orderId), b.spilled(), b.blocked()),
        List.of(userId, orderId, "1", Integer.toString(StockHarness.TTL_S), "test")).await();
    return r.get(0).toString();
  }

  private JsonArray audit(long saleId) {
    HttpResponse<String> response = harness.get(service, "/admin/v1/sales/" + saleId + "/audit");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return StockHarness.json(response).getJsonArray("entries");
  }

  private long upcomingSale(int stock, int buckets) {
    Instant now = Instant.now();
    JsonObject sale = new JsonObject().put("itemName", "Lamp").put("priceCents", 1000).put("stock", stock)
        .put("startsAt", now.plusSeconds(3600).toString()).put("endsAt", now.plusSeconds(7200).toString())
        .put("perUserLimit", 1).put("paymentTimeoutSeconds", 600).put("stockBuckets", buckets);
    HttpResponse<String> created = harness.post(service, "/admin/v1/sales", sale.encode(), true);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return StockHarness.json(created).getLong("saleId");
  }

  @Test
  void pauseRefusesInReserveLuaUntilResumeAndRepeatsAnswer200WithTheSameStateEachAudited() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    Bucket root = Bucket.root(saleId);

    HttpResponse<String> paused = control(saleId, "pause", "alice.ops");
    HttpResponse<String> again = control(saleId, "pause", null);

    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(paused).getString("state")).isEqualTo("PAUSED");
    assertThat(StockHarness.json(again).getString("state")).isEqualTo("PAUSED");
    assertThat(harness.jedis.hget(root.meta(), "paused")).isEqualTo("1");
    assertThat(reserve(root, "ann")).isEqualTo("PAUSED");
    assertThat(harness.number("SELECT count(*) FROM sale WHERE paused AND sale_id = " + saleId)).isEqualTo(1);

    HttpResponse<String> resumed = control(saleId, "resume", "alice.ops");

    assertThat(resumed.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(resumed).getString("state")).isEqualTo("OPEN");
    assertThat(reserve(root, "ann")).isEqualTo("OK");
    JsonArray entries = audit(saleId);
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("action") + "/" + ((JsonObject) e).getString("outcome")))
        .containsExactly("RESUME/APPLIED", "PAUSE/UNCHANGED", "PAUSE/APPLIED");
    JsonObject first = entries.getJsonObject(2);
    assertThat(first.getJsonObject("who")).isEqualTo(new JsonObject().put("credential", "admin-token").put("operator", "alice.ops"));
    assertThat(first.getJsonObject("detail").getJsonObject("before").getBoolean("paused")).isFalse();
    assertThat(first.getJsonObject("detail").getJsonObject("after").getBoolean("paused")).isTrue();
    assertThat(entries.getJsonObject(1).getJsonObject("who").getString("operator")).isNull();
  }

  @Test
  void aPausedSaleStaysPausedThroughAForcedWarmUpAndAReconciliation() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    assertThat(control(saleId, "pause", null).statusCode()).isEqualTo(200);

    HttpResponse<String> warm = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);
    HttpResponse<String> reconciled = harness.post(service, "/admin/v1/sales/" + saleId + "/reconcile", null, true);

    assertThat(warm.statusCode()).isEqualTo(200);
    assertThat(reconciled.statusCode()).isEqualTo(200);
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "paused")).isEqualTo("1");
    assertThat(reserve(Bucket.root(saleId), "bea")).isEqualTo("PAUSED");
  }

  @Test
  void endClosesTheSaleNowKeepsItsOrdersAndSurvivesAWarmUp() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    String orderId = harness.order(saleId, "cid", 1, 0);

    HttpResponse<String> ended = control(saleId, "end", "ops");
    HttpResponse<String> again = control(saleId, "end", "ops");
    HttpResponse<String> warm = harness.post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);

    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(ended).getString("state")).isEqualTo("ENDED");
    assertThat(StockHarness.json(again).getString("endedAt")).isEqualTo(StockHarness.json(ended).getString("endedAt"));
    assertThat(warm.statusCode()).isEqualTo(200);
    assertThat(reserve(Bucket.root(saleId), "dan")).isEqualTo("ENDED");
    assertThat(harness.status(orderId)).isEqualTo("PENDING_PAYMENT");
    assertThat(audit(saleId).stream().map(e -> ((JsonObject) e).getString("outcome"))).containsExactly("UNCHANGED", "APPLIED");
    harness.assertInvariants(saleId, List.of(orderId));
  }

  @Test
  void anEditBeforeOpeningChangesTheSaleAndRewarmsRedisAndTheSameEditTwiceIsANoOp() {
    long saleId = upcomingSale(10, 1);
    JsonObject edit = new JsonObject().put("stock", 40).put("priceCents", 1500).put("perUserLimit", 2)
        .put("itemName", "Desk lamp").put("stockBuckets", 2);

    HttpResponse<String> edited = patch(saleId, edit);
    HttpResponse<String> repeated = patch(saleId, edit);

    assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
    assertThat(repeated.statusCode()).as(repeated.body()).isEqualTo(200);
    JsonObject sale = StockHarness.json(edited);
    assertThat(sale.getInteger("stock")).isEqualTo(40);
    assertThat(sale.getInteger("remaining")).isEqualTo(40);
    assertThat(sale.getString("itemName")).isEqualTo("Desk lamp");
    assertThat(harness.remaining(saleId)).isEqualTo(40);
    long redisTotal = Bucket.all(saleId, 2).stream().mapToLong(b -> Long.parseLong(harness.jedis.get(b.stock()))).sum();
    assertThat(redisTotal).isEqualTo(40);
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "perUserLimit")).isEqualTo("2");
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "priceCents")).isEqualTo("1500");
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "buckets")).isEqualTo("2");
    JsonArray entries = audit(saleId);
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("outcome"))).containsExactly("UNCHANGED", "APPLIED");
    assertThat(entries.getJsonObject(1).getJsonObject("detail").getJsonObject("patch")).isEqualTo(edit);
    assertThat(entries.getJsonObject(1).getJsonObject("detail").getJsonObject("after").getInteger("stock")).isEqualTo(40);

    // Back to one bucket: the dropped bucket's keys go.
    assertThat(patch(saleId, new JsonObject().put("stockBuckets", 1)).statusCode()).isEqualTo(200);
    assertThat(harness.jedis.exists(new Bucket(saleId, 1).meta())).isFalse();
    assertThat(harness.redisStock(saleId)).isEqualTo(40);
  }

  @Test
  void anEditBeforeOpeningSetsAndClearsTheProofOfWorkChallengeInTheDatabaseAndTheRedisMeta() {
    long saleId = upcomingSale(10, 1);

    HttpResponse<String> set = patch(saleId, new JsonObject().put("challenge",
        new JsonObject().put("kind", "pow").put("difficulty", 12)));

    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(StockHarness.json(set).getJsonObject("challenge").getInteger("difficulty")).isEqualTo(12);
    assertThat(harness.number("SELECT challenge_difficulty FROM sale WHERE sale_id = " + saleId)).isEqualTo(12);
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "challengeDifficulty")).isEqualTo("12");

    HttpResponse<String> cleared = patch(saleId, new JsonObject().putNull("challenge"));

    assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
    assertThat(StockHarness.json(cleared).getValue("challenge")).isNull();
    assertThat(harness.text("SELECT coalesce(challenge_difficulty::text, 'none') FROM sale WHERE sale_id = " + saleId))
        .isEqualTo("none");
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "challengeDifficulty")).isEqualTo("0");
  }

  @Test
  void anEditThatBreaksTheCreateRulesIs400AndChangesNothing() {
    long saleId = upcomingSale(10, 1);
    String before = harness.get(service, "/admin/v1/sales/" + saleId).body();

    HttpResponse<String> window = patch(saleId, new JsonObject().put("endsAt", Instant.now().plusSeconds(60).toString()));
    HttpResponse<String> unknown = patch(saleId, new JsonObject().put("colour", "red"));
    HttpResponse<String> nulled = patch(saleId, new JsonObject().putNull("stock"));
    HttpResponse<String> typed = patch(saleId, new JsonObject().put("stock", "many"));

    assertThat(List.of(window, unknown, nulled, typed)).allSatisfy(r -> {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(StockHarness.json(r).getString("code")).isEqualTo("INVALID_REQUEST");
    });
    assertThat(StockHarness.json(window).getString("field")).isEqualTo("endsAt");
    assertThat(StockHarness.json(harness.get(service, "/admin/v1/sales/" + saleId)).getInteger("stock"))
        .isEqualTo(new JsonObject(before).getInteger("stock"));
    assertThat(audit(saleId)).isEmpty();
  }

  @Test
  void anEditOfAnOpenSaleIsRefusedWith409AndAuditedButTheSameValuesAgainAre200() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);

    HttpResponse<String> refused = patch(saleId, new JsonObject().put("priceCents", 1));
    HttpResponse<String> same = patch(saleId, new JsonObject().put("priceCents", 1000));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertThat(StockHarness.json(refused).getString("code")).isEqualTo("SALE_ALREADY_OPEN");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(harness.number("SELECT price_cents FROM sale WHERE sale_id = " + saleId)).isEqualTo(1000);
    assertThat(audit(saleId).stream().map(e -> ((JsonObject) e).getString("outcome"))).containsExactly("UNCHANGED", "REFUSED");
  }

  @Test
  void aMalformedOperatorNameIs400AndChangesNothing() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);

    HttpResponse<String> response = control(saleId, "pause", "bob smith; drop table");
    HttpResponse<String> tooLong = control(saleId, "pause", "x".repeat(65));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(StockHarness.json(response).getString("header")).isEqualTo("X-Seckill-Operator");
    assertThat(harness.jedis.hget(Bucket.root(saleId).meta(), "paused")).isEqualTo("0");
    assertThat(audit(saleId)).isEmpty();
  }

  @Test
  void unknownSalesAre404AndNeedTheOperatorToken() {
    assertThat(control(harness.saleIdBase + 99_999, "pause", null).statusCode()).isEqualTo(404);
    assertThat(harness.get(service, "/admin/v1/sales/" + (harness.saleIdBase + 99_999) + "/audit").statusCode()).isEqualTo(404);
    assertThat(harness.send(service, "/admin/v1/sales/1/pause", "POST", null, Map.of()).statusCode()).isEqualTo(401);
    assertThat(harness.send(service, "/admin/v1/blocklist/x", "PUT", null, Map.of()).statusCode()).isEqualTo(401);
  }

  @Test
  void theAuditIsPagedNewestFirst() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    for (String action : List.of("pause", "resume", "pause", "resume", "pause")) {
      assertThat(control(saleId, action, null).statusCode()).isEqualTo(200);
    }

    JsonObject page = StockHarness.json(harness.get(service, "/admin/v1/sales/" + saleId + "/audit?limit=2"));
    JsonObject next = StockHarness.json(harness.get(service, page.getString("next")));
    JsonObject last = StockHarness.json(harness.get(service, next.getString("next")));

    assertThat(page.getJsonArray("entries")).hasSize(2);
    assertThat(next.getJsonArray("entries")).hasSize(2);
    assertThat(last.getJsonArray("entries")).hasSize(1);
    assertThat(last.getString("next")).isNull();
    long newest = page.getJsonArray("entries").getJsonObject(0).getLong("auditId");
    long oldest = last.getJsonArray("entries").getJsonObject(0).getLong("auditId");
    assertThat(newest).isGreaterThan(oldest);
    assertThat(harness.get(service, "/admin/v1/sales/" + saleId + "/audit?limit=0").statusCode()).isEqualTo(400);
    assertThat(harness.get(service, "/admin/v1/sales/" + saleId + "/audit?before=x").statusCode()).isEqualTo(400);
  }

  @Test
  void aBlockedShopperIsRefusedInEveryBucketOfEveryLiveSaleAndInSalesWarmedLaterUntilUnblocked() {
    long split = upcomingSale(10, 3);
    harness.sql("UPDATE sale SET starts_at = now() - interval '1 minute' WHERE sale_id = " + split);
    assertThat(harness.post(service, "/admin/v1/sales/" + split + "/warmup?force=true", null, true).statusCode()).isEqualTo(200);
    String user = "bot-" + split;

    HttpResponse<String> blocked = blocklist("PUT", user);
    HttpResponse<String> again = blocklist("PUT", user);
    long later = harness.openSale(service, 10, 1000, 1, 600);

    assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(again)).isEqualTo(new JsonObject().put("userId", user).put("blocked", true));
    for (Bucket b : Bucket.all(split, 3)) {
      assertThat(reserve(b, user)).as("bucket %d", b.index()).isEqualTo("BLOCKED");
    }
    assertThat(reserve(Bucket.root(later), user)).isEqualTo("BLOCKED");
    JsonObject status = StockHarness.json(harness.get(service, "/admin/v1/blocklist/" + user));
    assertThat(status.getBoolean("blocked")).isTrue();
    assertThat(status.getString("blockedBy")).isEqualTo("ops@shop");

    HttpResponse<String> unblocked = blocklist("DELETE", user);
    HttpResponse<String> unblockedAgain = blocklist("DELETE", user);

    assertThat(unblocked.statusCode()).isEqualTo(200);
    assertThat(unblockedAgain.statusCode()).isEqualTo(200);
    assertThat(StockHarness.json(harness.get(service, "/admin/v1/blocklist/" + user)).getBoolean("blocked")).isFalse();
    assertThat(reserve(Bucket.root(later), user)).isEqualTo("OK");
    assertThat(harness.number("SELECT count(*) FROM admin_audit WHERE target_user_id = '" + user + "'")).isEqualTo(4);
    assertThat(harness.text("SELECT string_agg(action || '/' || outcome, ',' ORDER BY audit_id) FROM admin_audit"
        + " WHERE target_user_id = '" + user + "'")).isEqualTo("BLOCK/APPLIED,BLOCK/UNCHANGED,UNBLOCK/APPLIED,UNBLOCK/UNCHANGED");
    assertThat(blocklist("PUT", "x".repeat(65)).statusCode()).isEqualTo(400);
  }

  @Test
  void controlsAreCountedByActionAndOutcomeAndPausedSalesAreAGauge() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    assertThat(control(saleId, "pause", null).statusCode()).isEqualTo(200);

    Double applied = harness.metric(service, "seckill_admin_actions_total", Set.of("action=\"pause\"", "outcome=\"applied\""));
    Double paused = harness.metric(service, "seckill_sales_paused", Set.of());

    assertThat(applied).isNotNull().isGreaterThanOrEqualTo(1.0);
    assertThat(paused).isNotNull().isGreaterThanOrEqualTo(1.0);
    assertThat(control(saleId, "resume", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aControlThatChangesRedisMovesTheBucketVersionSoAWarmUpFromAnOlderSnapshotStartsOverAndARepeatMovesNothing() {
    long saleId = harness.openSale(service, 10, 1000, 1, 600);
    Bucket root = Bucket.root(saleId);
    String before = harness.jedis.get(root.version());

    assertThat(control(saleId, "pause", null).statusCode()).isEqualTo(200);
    String afterPause = harness.jedis.get(root.version());
    assertThat(control(saleId, "pause", null).statusCode()).isEqualTo(200);
    assertThat(blocklist("PUT", "v-" + saleId).statusCode()).isEqualTo(200);
    String afterBlock = harness.jedis.get(root.version());
    assertThat(blocklist("PUT", "v-" + saleId).statusCode()).isEqualTo(200);

    // warmup.lua compares the version it is given (read before its snapshot) with the bucket's: a moved one is MOVED.
    assertThat(afterPause).isNotEqualTo(before);
    assertThat(afterBlock).isNotEqualTo(afterPause);
    assertThat(harness.jedis.get(root.version())).as("repeats change nothing").isEqualTo(afterBlock);
    assertThat(blocklist("DELETE", "v-" + saleId).statusCode()).isEqualTo(200);
    assertThat(control(saleId, "resume", null).statusCode()).isEqualTo(200);
  }
}
