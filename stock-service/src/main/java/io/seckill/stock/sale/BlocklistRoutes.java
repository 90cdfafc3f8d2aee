package io.seckill.stock.sale;

import io.seckill.common.auth.UserIds;
import io.seckill.common.http.ProblemException;
import io.seckill.stock.admin.AdminAudit;
import io.seckill.stock.admin.AdminAudit.Outcome;
import io.seckill.stock.admin.AdminMetrics;
import io.seckill.stock.admin.Operator;
import io.seckill.stock.http.HttpInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The shopper blocklist: {@code PUT}, {@code DELETE} and {@code GET /admin/v1/blocklist/{userId}}.
 *
 * <p>PostgreSQL holds the list (with its audit row, in one transaction); after the commit the change is
 * written into the {@code blocked} set of every bucket of every live sale, where reserve.lua checks it, so
 * it holds on every gateway at once. A sale warmed up later copies the whole list from the database.
 */
public final class BlocklistRoutes {
  /** A shopper id as the gateway knows it: the JWT subject, 1 to 64 characters. */

  private final Pool pool;
  private final OperatorStateWriter state;
  private final AdminMetrics metrics;

  public BlocklistRoutes(Pool pool, OperatorStateWriter state, AdminMetrics metrics) {
    this.pool = pool;
    this.state = state;
    this.metrics = metrics;
  }

  public void mount(Router router) {
    router.put("/admin/v1/blocklist/:userId").handler(ctx -> change(ctx, true));
    router.delete("/admin/v1/blocklist/:userId").handler(ctx -> change(ctx, false));
    router.get("/admin/v1/blocklist/:userId").handler(this::show);
  }

  static String userId(RoutingContext ctx) {
    String userId = ctx.pathParam("userId");
    // The alphabet a token's sub must have: any other id could never buy, so blocking it would mean nothing.
    if (!UserIds.valid(userId)) {
      throw HttpInput.invalid("userId", "must be " + UserIds.RULE);
    }
    return userId;
  }

  private void change(RoutingContext ctx, boolean block) {
    String action = block ? "BLOCK" : "UNBLOCK";
    String userId;
    Operator who;
    try {
      userId = userId(ctx);
      who = Operator.of(ctx);
    } catch (ProblemException e) {
      metrics.action(action, "invalid");
      throw e;
    }
    pool.withTransaction(tx -> {
          Future<Boolean> changed = block
              ? tx.preparedQuery(SaleQueries.BLOCK_USER).execute(Tuple.of(userId, who.name())).map(rows -> rows.size() > 0)
              : tx.preparedQuery(SaleQueries.UNBLOCK_USER).execute(Tuple.of(userId)).map(rows -> rows.size() > 0);
          return changed.compose(didChange -> {
            Outcome outcome = didChange ? Outcome.APPLIED : Outcome.UNCHANGED;
            JsonObject detail = new JsonObject().put("userId", userId).put("blockedBefore", didChange != block)
                .put("blockedAfter", block);
            return AdminAudit.record(tx, null, userId, action, outcome, who, detail).map(outcome);
          });
        })
        // Written again on UNCHANGED too: repeating a call that answered 503 is how the change reaches Redis.
        .compose(outcome -> state.writeBlocklist(userId, block).recover(failure -> Future.failedFuture(
            ProblemException.unavailable("the blocklist change of " + userId + " is recorded but could not be written"
                + " to Redis, so gateways may not obey it yet; repeat the call (it is idempotent)", 1))).map(outcome))
        .onSuccess(outcome -> {
          metrics.action(action, outcome.name().toLowerCase());
          ctx.json(new JsonObject().put("userId", userId).put("blocked", block));
        })
        .onFailure(failure -> {
          metrics.action(action, "failed");
          ctx.fail(failure);
        });
  }

  private void show(RoutingContext ctx) {
    String userId = userId(ctx);
    pool.preparedQuery(SaleQueries.BLOCKED_USER).execute(Tuple.of(userId)).map(rows -> {
      JsonObject body = new JsonObject().put("userId", userId).put("blocked", rows.size() > 0);
      for (Row row : rows) {
        body.put("blockedAt", row.getOffsetDateTime("blocked_at").toInstant().toString())
            .put("blockedBy", row.getString("blocked_by"));
      }
      return body;
    }).onSuccess(ctx::json).onFailure(ctx::fail);
  }
}
