package io.seckill.gateway.sales;

/**
 * What a shopper sees of a sale, from its window and its stock: the one place a state is decided, both for
 * {@code GET /api/v1/sales/{id}} (window by this gateway's clock, live Redis stock) and for the list of sales
 * (the same rule as SQL over the {@code sale} row, so a state filter and the state shown cannot disagree).
 * An operator's pause and early end count here as they do in reserve.lua: ENDED first, then PAUSED.
 */
public enum SaleState {
  UPCOMING("NOT paused AND $1 < starts_at AND $1 < " + SaleState.END),
  OPEN("NOT paused AND starts_at <= $1 AND $1 < " + SaleState.END + " AND remaining > 0"),
  SOLD_OUT("NOT paused AND starts_at <= $1 AND $1 < " + SaleState.END + " AND remaining = 0"),
  /** An operator paused it (POST /admin/v1/sales/{id}/pause) and the sale has not ended. */
  PAUSED("paused AND $1 < " + SaleState.END),
  ENDED(SaleState.END + " <= $1");

  /** The effective end: the window's, or an operator's earlier end (POST /admin/v1/sales/{id}/end). */
  static final String END = "least(ends_at, coalesce(ended_at, 'infinity'))";

  private final String sqlPredicate;

  SaleState(String sqlPredicate) {
    this.sqlPredicate = sqlPredicate;
  }

  /** The SQL condition on a {@code sale} row for this state, {@code $1} being the gateway's now (timestamptz). */
  String sqlPredicate() {
    return sqlPredicate;
  }

  public static SaleState of(SaleMeta.Window window, boolean paused, long remaining) {
    if (paused && window != SaleMeta.Window.ENDED) {
      return PAUSED;
    }
    return switch (window) {
      case UPCOMING -> UPCOMING;
      case ENDED -> ENDED;
      case OPEN -> remaining > 0 ? OPEN : SOLD_OUT;
    };
  }
}
