package io.seckill.stock.admin;

/** The SQL of the operators' audit trail and of the paused-sales gauge, named by intent. */
final class AdminQueries {
  private AdminQueries() {
  }

  static final String PAUSED_SALES = """
      SELECT count(*) AS paused FROM sale WHERE paused AND least(ends_at, coalesce(ended_at, ends_at)) > now()""";

  static final String INSERT_AUDIT = """
      INSERT INTO admin_audit (sale_id, target_user_id, action, outcome, credential, operator, request_id, detail)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

  /** A page of a sale's audit, newest first, starting below the audit id {@code $2} (keyset pagination). */
  static final String SALE_AUDIT_PAGE = """
      SELECT audit_id, action, outcome, credential, operator, request_id, detail, at FROM admin_audit
      WHERE sale_id = $1 AND audit_id < $2 ORDER BY audit_id DESC LIMIT $3""";
}
