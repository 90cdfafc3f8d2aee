package io.seckill.stock.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The audit trail of operator controls: one {@code admin_audit} row per call that reached its target,
 * written on the connection of the change's transaction, so a change is never committed without its row
 * (and a rolled-back change leaves none).
 */
public final class AdminAudit {
  /** What an audited control came to: the change was made, it was already so, or it was refused (409). */
  public enum Outcome { APPLIED, UNCHANGED, REFUSED }

  private AdminAudit() {
  }

  public static Future<Void> record(SqlConnection tx, Long saleId, String targetUserId, String action, Outcome outcome,
                             Operator who, JsonObject detail) {
    return tx.preparedQuery(AdminQueries.INSERT_AUDIT).execute(Tuple.tuple().addLong(saleId).addString(targetUserId)
            .addString(action).addString(outcome.name()).addString(who.credential()).addString(who.name())
            .addString(who.requestId()).addValue(detail))
        .mapEmpty();
  }

  /** Up to {@code limit} entries of the sale below audit id {@code before}, newest first. */
  public static Future<JsonArray> page(SqlConnection c, long saleId, long before, int limit) {
    return c.preparedQuery(AdminQueries.SALE_AUDIT_PAGE).execute(Tuple.of(saleId, before, limit)).map(rows -> {
      JsonArray entries = new JsonArray();
      for (Row row : rows) {
        entries.add(new JsonObject()
            .put("auditId", row.getLong("audit_id"))
            .put("at", row.getOffsetDateTime("at").toInstant().toString())
            .put("action", row.getString("action"))
            .put("outcome", row.getString("outcome"))
            .put("who", new JsonObject().put("credential", row.getString("credential"))
                .put("operator", row.getString("operator")))
            .put("requestId", row.getString("request_id"))
            .put("detail", row.getJsonObject("detail")));
      }
      return entries;
    });
  }
}
