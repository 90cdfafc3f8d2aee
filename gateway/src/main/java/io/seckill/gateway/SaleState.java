package io.seckill.gateway;

/**
 * What a shopper sees of a sale, from its window and its stock: the one place a state is decided, both for
 * {@code GET /api/v1/sales/{id}} (window by this gateway's clock, live Redis stock) and for the list of sales
 * (the same rule as SQL over the {@code sale} row, so a state filter and the state shown cannot disagree).
 * A new state (PAUSED) adds a constant with its predicate and a branch in {@link #of}.
 */
public enum SaleState {
  UPCOMING("$1 < starts_at"),
  OPEN("starts_at <= $1 AND $1 < ends_at AND remaining > 0"),
  SOLD_OUT("starts_at <= $1 AND $1 < ends_at AND remaining = 0"),
  ENDED("ends_at <= $1");

  private final String sqlPredicate;

  SaleState(String sqlPredicate) {
    this.sqlPredicate = sqlPredicate;
  }

  /** The SQL condition on a {@code sale} row for this state, {@code $1} being the gateway's now (timestamptz). */
  String sqlPredicate() {
    return sqlPredicate;
  }

  public static SaleState of(SaleMeta.Window window, long remaining) {
    return switch (window) {
      case UPCOMING -> UPCOMING;
      case ENDED -> ENDED;
      case OPEN -> remaining > 0 ? OPEN : SOLD_OUT;
    };
  }
}
