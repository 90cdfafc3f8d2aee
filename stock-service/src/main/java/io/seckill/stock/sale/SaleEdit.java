package io.seckill.stock.sale;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.stock.admin.AdminAudit;
import io.seckill.stock.admin.AdminAudit.Outcome;
import io.seckill.stock.admin.Operator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * PATCH of a sale that has not opened: the edit inside the control's transaction, then Redis brought in line.
 *
 * <p>The body is merged into the sale's create-time fields and the result validated exactly like a new
 * sale. The same body twice changes nothing the second time (UNCHANGED, 200, even once the sale opened:
 * a repeat of an edit that landed is not a new edit). A real change is written only while the sale has
 * not opened — by PostgreSQL's clock, at the moment of the write (SaleQueries.EDIT_UNOPENED) — so an edit
 * racing the opening either lands before it or is refused with 409 SALE_ALREADY_OPEN.
 */
final class SaleEdit {
  private final SaleWarmup warmup;

  SaleEdit(SaleWarmup warmup) {
    this.warmup = warmup;
  }

  /** The edit and its audit row, on the transaction {@code tx}; a refusal is a result too (its row commits). */
  Future<ControlResult> apply(SqlConnection tx, long saleId, Operator who, JsonObject patch) {
    return Sale.lockForUpdate(tx, saleId).compose(before -> {
      SaleValidator.NewSale current = SaleValidator.validate(before.editableJson());
      SaleValidator.NewSale wanted = SaleValidator.validate(before.editableJson().mergeIn(patch));
      JsonObject detail = new JsonObject().put("patch", patch).put("before", before.editableJson());
      if (wanted.equals(current)) {
        return AdminAudit.record(tx, saleId, null, "PATCH", Outcome.UNCHANGED, who, detail)
            .map(new ControlResult(before, before, Outcome.UNCHANGED, null));
      }
      return tx.preparedQuery(SaleQueries.EDIT_UNOPENED).execute(Tuple.of(saleId, wanted.itemName(),
              wanted.priceCents(), wanted.stock(), wanted.perUserLimit(), wanted.startsAt().atOffset(ZoneOffset.UTC))
              .addValue(wanted.endsAt().atOffset(ZoneOffset.UTC)).addInteger(wanted.paymentTimeoutS())
              .addBoolean(wanted.requireToken()).addInteger(wanted.stockBuckets())
              .addInteger(wanted.challengeDifficulty()))
          .compose(rows -> {
            Sale after = Sale.firstOrNull(rows);
            if (after != null) {
              return AdminAudit.record(tx, saleId, null, "PATCH", Outcome.APPLIED, who,
                  detail.put("after", after.editableJson())).map(new ControlResult(before, after, Outcome.APPLIED, null));
            }
            ProblemException refusal = before.endedAt() != null
                ? new ProblemException(ErrorCode.SALE_ENDED, "sale " + saleId + " was ended by an operator and"
                    + " can no longer be edited")
                : new ProblemException(ErrorCode.SALE_ALREADY_OPEN, "sale " + saleId + " opened at "
                    + before.startsAt() + "; only a sale that has not opened can be edited (pause or end it instead)",
                    new JsonObject().put("saleId", saleId).put("startsAt", before.startsAt().toString()),
                    Map.of());
            // The refusal is audited too: the row commits, the sale is untouched.
            return AdminAudit.record(tx, saleId, null, "PATCH", Outcome.REFUSED, who,
                detail.put("refused", refusal.code().name())).map(new ControlResult(before, before, Outcome.REFUSED, refusal));
          });
    });
  }

  /**
   * Brings Redis in line with an edit: bucket keys the sale did not have or no longer has are dropped (an
   * unopened sale holds no reservation in them), then the sale is warmed up from the database. Also on an
   * unchanged edit of an unopened sale, so repeating an edit whose warm-up failed heals Redis.
   */
  Future<JsonObject> rewarm(ControlResult result) {
    Sale sale = result.sale();
    if (result.outcome() == Outcome.REFUSED
        || (result.outcome() == Outcome.UNCHANGED && !sale.startsAt().isAfter(Instant.now()))) {
      return Future.succeededFuture(null);
    }
    int before = result.before().stockBuckets();
    int after = sale.stockBuckets();
    return warmup.dropBuckets(sale.saleId(), Math.min(before, after), Math.max(before, after))
        .compose(dropped -> warmup.warmup(sale.saleId(), true))
        .recover(failure -> Future.failedFuture(ProblemException.unavailable("sale " + sale.saleId() + " was edited but"
            + " Redis could not be brought in line; repeat the PATCH (it is idempotent) or POST /admin/v1/sales/"
            + sale.saleId() + "/warmup", 1)));
  }
}
