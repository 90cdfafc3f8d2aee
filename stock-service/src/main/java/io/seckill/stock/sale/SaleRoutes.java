package io.seckill.stock.sale;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.stock.http.HttpInput;
import io.seckill.stock.reconcile.Reconciler;
import io.seckill.stock.reconcile.StockProbe;
import io.seckill.stock.reconcile.StockSnapshot;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Operators' sale calls: create, list, inspect, warm up, reconcile. */
public final class SaleRoutes {
  private final Pool pool;
  private final SaleWarmup warmup;
  private final StockProbe probe;
  private final Reconciler reconciler;

  public SaleRoutes(Pool pool, SaleWarmup warmup, StockProbe probe, Reconciler reconciler) {
    this.pool = pool;
    this.warmup = warmup;
    this.probe = probe;
    this.reconciler = reconciler;
  }

  public void mount(Router router) {
    router.post("/admin/v1/sales").handler(HttpInput.requireJson()).handler(this::create);
    router.get("/admin/v1/sales").handler(this::list);
    router.get("/admin/v1/sales/:saleId").handler(this::show);
    router.post("/admin/v1/sales/:saleId/warmup").handler(this::warmup);
    router.post("/admin/v1/sales/:saleId/reconcile").handler(this::reconcile);
  }

  private void create(RoutingContext ctx) {
    SaleValidator.NewSale sale = SaleValidator.validate(HttpInput.jsonObject(ctx));
    // Fail-closed: the sale exists only once PostgreSQL committed it.
    pool.preparedQuery(SaleQueries.INSERT_SALE).execute(Tuple.of(sale.itemName(), sale.priceCents(), sale.stock(),
            sale.perUserLimit(), sale.startsAt().atOffset(ZoneOffset.UTC), sale.endsAt().atOffset(ZoneOffset.UTC),
            sale.paymentTimeoutS(), sale.requireToken(), sale.stockBuckets(), sale.challengeDifficulty()))
        .map(rows -> Sale.from(rows.iterator().next()))
        .compose(created -> warmup.warmupNew(created)
            .recover(failure -> Future.failedFuture(ProblemException.unavailable("sale " + created.saleId()
                + " was created but could not be warmed up in Redis; retry POST /admin/v1/sales/" + created.saleId()
                + "/warmup", 5)))
            .map(report -> created.toJson().put("warmup", report)))
        .onSuccess(body -> ctx.response().setStatusCode(201)
            .putHeader("Location", "/admin/v1/sales/" + body.getLong("saleId")).putHeader("Content-Type", "application/json")
            .end(body.encode()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    pool.query(SaleQueries.ALL_SALES).execute().compose(rows -> {
      List<Future<JsonObject>> views = new ArrayList<>();
      for (Row row : rows) {
        Sale sale = Sale.from(row);
        // Fail-open: per sale, a sale whose Redis state cannot be read is still listed, from the DB.
        views.add(probe.report(sale.saleId()).map(StockSnapshot::toJson).recover(f -> Future.succeededFuture(sale.toJson())));
      }
      return Future.all(views).map(all -> new JsonArray(views.stream().map(Future::result).toList()));
    }).onSuccess(sales -> ctx.json(new JsonObject().put("sales", sales))).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    probe.report(HttpInput.saleId(ctx)).map(StockSnapshot::toJson).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void warmup(RoutingContext ctx) {
    boolean force = "true".equalsIgnoreCase(ctx.queryParams().get("force"));
    warmup.warmup(HttpInput.saleId(ctx), force).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void reconcile(RoutingContext ctx) {
    long saleId = HttpInput.saleId(ctx);
    // Makes sure the sale exists first, so an unknown id is a 404 and not a report about nothing.
    pool.preparedQuery(SaleQueries.SALE_BY_ID).execute(Tuple.of(saleId)).compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ProblemException(ErrorCode.SALE_NOT_FOUND, "no sale " + saleId))
            : reconciler.reconcile(saleId))
        .onSuccess(ctx::json).onFailure(ctx::fail);
  }
}
