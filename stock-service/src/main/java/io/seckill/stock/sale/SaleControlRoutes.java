package io.seckill.stock.sale;

import io.seckill.common.http.ErrorCode;
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
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.BiFunction;

/**
 * The operator's controls of one sale: pause, resume, end, edit before opening, and the audit trail.
 *
 * <p>Each control runs as one transaction that locks the sale row, makes the change (or finds it made
 * already: every control is idempotent) and writes its audit row; only after the commit is the new state
 * written into Redis ({@link OperatorStateWriter}, or a warm-up for an edit), where reserve.lua reads it.
 * Answering only after Redis holds it is what makes "paused" mean that no gateway admits anyone any more.
 */
public final class SaleControlRoutes {
  static final int DEFAULT_AUDIT_PAGE = 50;
  static final int MAX_AUDIT_PAGE = 200;

  private final Pool pool;
  private final SaleEdit edits;
  private final OperatorStateWriter state;
  private final AdminMetrics metrics;

  public SaleControlRoutes(Pool pool, SaleWarmup warmup, OperatorStateWriter state, AdminMetrics metrics) {
    this.pool = pool;
    this.edits = new SaleEdit(warmup);
    this.state = state;
    this.metrics = metrics;
  }

  public void mount(Router router) {
    router.post("/admin/v1/sales/:saleId/pause").handler(ctx -> stateChange(ctx, "PAUSE", this::pause));
    router.post("/admin/v1/sales/:saleId/resume").handler(ctx -> stateChange(ctx, "RESUME", this::resume));
    router.post("/admin/v1/sales/:saleId/end").handler(ctx -> stateChange(ctx, "END", this::end));
    router.patch("/admin/v1/sales/:saleId").handler(HttpInput.requireJson()).handler(this::edit);
    router.get("/admin/v1/sales/:saleId/audit").handler(this::audit);
  }

  /** An edit's result with the body that answers it. */
  private record Edited(ControlResult result, JsonObject body) {
  }

  // ---- pause, resume, end: a state written into every bucket's meta ----

  /** The changed sale, or null when the sale already was in the state asked for. */
  private Future<Sale> pause(SqlConnection tx, Sale before) {
    return before.paused() ? Future.succeededFuture(null) : setPaused(tx, before.saleId(), true);
  }

  private Future<Sale> resume(SqlConnection tx, Sale before) {
    return before.paused() ? setPaused(tx, before.saleId(), false) : Future.succeededFuture(null);
  }

  private Future<Sale> end(SqlConnection tx, Sale before) {
    return tx.preparedQuery(SaleQueries.END_NOW).execute(Tuple.of(before.saleId())).map(Sale::firstOrNull);
  }

  private static Future<Sale> setPaused(SqlConnection tx, long saleId, boolean paused) {
    return tx.preparedQuery(SaleQueries.SET_PAUSED).execute(Tuple.of(saleId, paused)).map(Sale::firstOrNull);
  }

  private void stateChange(RoutingContext ctx, String action, BiFunction<SqlConnection, Sale, Future<Sale>> change) {
    long saleId;
    Operator who;
    try {
      saleId = HttpInput.saleId(ctx);
      who = Operator.of(ctx);
    } catch (ProblemException e) {
      metrics.action(action, "invalid");
      throw e;
    }
    pool.withTransaction(tx -> Sale.lockForUpdate(tx, saleId).compose(before -> change.apply(tx, before).compose(after -> {
          Sale now = after == null ? before : after;
          Outcome outcome = after == null ? Outcome.UNCHANGED : Outcome.APPLIED;
          JsonObject detail = new JsonObject().put("before", stateOf(before)).put("after", stateOf(now));
          return AdminAudit.record(tx, saleId, null, action, outcome, who, detail).map(new ControlResult(before, now, outcome, null));
        })))
        // Written again on UNCHANGED too: a repeat after a 503 is how the operator gets a recorded change into Redis.
        .compose(result -> state.writeSaleState(result.sale()).recover(failure -> Future.failedFuture(
            ProblemException.unavailable(action.toLowerCase() + " of sale " + saleId + " is recorded but could not be"
                + " written to Redis, so gateways may not obey it yet; repeat the call (it is idempotent)", 1)))
            .map(result))
        .onSuccess(result -> answer(ctx, action, result, result.sale().toJson()))
        .onFailure(failure -> failed(ctx, action, failure));
  }

  /** The part of a sale a pause, resume or end changes, for the audit's before/after. */
  private static JsonObject stateOf(Sale sale) {
    return new JsonObject().put("paused", sale.paused()).put("endsAt", sale.endsAt().toString())
        .put("endedAt", sale.endedAt() == null ? null : sale.endedAt().toString());
  }

  private void answer(RoutingContext ctx, String action, ControlResult result, JsonObject body) {
    metrics.action(action, result.outcome().name().toLowerCase());
    metrics.refreshPaused();
    if (result.refusal() != null) {
      ctx.fail(result.refusal());
      return;
    }
    ctx.json(body);
  }

  private void failed(RoutingContext ctx, String action, Throwable failure) {
    boolean badInput = failure instanceof ProblemException p && p.code().status() < 500;
    metrics.action(action, badInput ? "invalid" : "failed");
    ctx.fail(failure);
  }

  // ---- PATCH: an edit of a sale that has not opened ----

  /** The edit itself is {@link SaleEdit}'s; here the request is read and answered. */
  private void edit(RoutingContext ctx) {
    long saleId;
    Operator who;
    JsonObject patch;
    try {
      saleId = HttpInput.saleId(ctx);
      who = Operator.of(ctx);
      patch = HttpInput.jsonObject(ctx);
      // Unknown fields and wrong types are refused before the sale is even read (the merged sale is checked again).
      SaleValidator.checkPatch(patch);
    } catch (ProblemException e) {
      metrics.action("PATCH", "invalid");
      throw e;
    }
    pool.withTransaction(tx -> edits.apply(tx, saleId, who, patch))
        .compose(result -> edits.rewarm(result).map(report -> {
          JsonObject body = result.sale().toJson();
          if (report != null) {
            body.put("warmup", report);
          }
          return new Edited(result, body);
        }))
        .onSuccess(done -> answer(ctx, "PATCH", done.result(), done.body()))
        .onFailure(failure -> failed(ctx, "PATCH", failure));
  }

  // ---- the audit trail ----

  private void audit(RoutingContext ctx) {
    long saleId = HttpInput.saleId(ctx);
    int limit = (int) queryNumber(ctx, "limit", 1, MAX_AUDIT_PAGE, DEFAULT_AUDIT_PAGE);
    long before = queryNumber(ctx, "before", 1, Long.MAX_VALUE, Long.MAX_VALUE);
    pool.withConnection(c -> c.preparedQuery(SaleQueries.SALE_BY_ID).execute(Tuple.of(saleId)).compose(rows ->
            rows.size() == 0
                ? Future.failedFuture(new ProblemException(ErrorCode.SALE_NOT_FOUND, "no sale " + saleId))
                : AdminAudit.page(c, saleId, before, limit)))
        .onSuccess(entries -> {
          JsonObject body = new JsonObject().put("saleId", saleId).put("entries", entries);
          // A full page may have more behind it: the next page starts below its last (oldest) entry.
          body.put("next", entries.size() < limit ? null : "/admin/v1/sales/" + saleId + "/audit?limit=" + limit
              + "&before=" + entries.getJsonObject(entries.size() - 1).getLong("auditId"));
          ctx.json(body);
        })
        .onFailure(ctx::fail);
  }

  private static long queryNumber(RoutingContext ctx, String name, long min, long max, long absent) {
    java.util.List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return absent;
    }
    if (values.size() > 1) {
      throw HttpInput.invalid(name, "must be given once");
    }
    try {
      long n = Long.parseLong(values.get(0));
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw HttpInput.invalid(name, "must be an integer between " + min + " and " + max);
  }
}
