package io.seckill.fault;

import io.seckill.common.db.PgUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the randomized run's history against what PostgreSQL and Redis hold once the system is quiet
 * (docs/guarantees.md, "The randomized fault run"). Each check is passed or failed on its own, with the
 * shoppers whose histories show the failure. The database is read in one snapshot.
 */
final class HistoryChecker {
  /** One check's outcome; {@code shoppers} are the offenders whose histories a developer needs. */
  record Result(int number, String name, boolean passed, String detail, Set<String> shoppers) {
  }

  /** One {@code orders} row. */
  record OrderRow(String orderId, String userId, int quantity, String status, String reason) {
    boolean everLive() {
      return !"FAILED".equals(status);
    }
  }

  /** What the database held for the sale, read in one REPEATABLE READ transaction. */
  record DbSnapshot(long initial, long remaining, Map<String, OrderRow> orders, Map<String, Integer> stockReturns,
                    long unappliedReturns) {
    List<OrderRow> ordersOf(String shopper) {
      return orders.values().stream().filter(o -> o.userId().equals(shopper)).toList();
    }
  }

  private static final Set<String> LIVE = Set.of("PENDING_PAYMENT", "PAID");
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  /** The gateway and this JVM read the same machine clock; a few ms cover the order of the reads. */
  private static final long CLOCK_SLACK_MS = 5;

  private final History history;
  private final DbSnapshot db;
  private final Verdict.Settled settled;

  HistoryChecker(History history, DbSnapshot db, Verdict.Settled settled) {
    this.history = history;
    this.db = db;
    this.settled = settled;
  }

  static DbSnapshot read(String pgUrl, long saleId) throws SQLException {
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(pgUrl))) {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      long initial;
      long remaining;
      try (PreparedStatement s = c.prepareStatement("SELECT initial_stock, remaining FROM sale WHERE sale_id = ?")) {
        s.setLong(1, saleId);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          initial = rs.getLong(1);
          remaining = rs.getLong(2);
        }
      }
      Map<String, OrderRow> orders = new TreeMap<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT order_id, user_id, quantity, status, reason FROM orders WHERE sale_id = ?")) {
        s.setLong(1, saleId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            orders.put(rs.getString(1), new OrderRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                rs.getString(5)));
          }
        }
      }
      Map<String, Integer> returns = new TreeMap<>();
      long unapplied = 0;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT order_id, quantity, applied_to_redis FROM stock_return WHERE sale_id = ?")) {
        s.setLong(1, saleId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            returns.merge(rs.getString(1), rs.getInt(2), Integer::sum);
            unapplied += rs.getBoolean(3) ? 0 : 1;
          }
        }
      }
      c.commit();
      return new DbSnapshot(initial, remaining, orders, returns, unapplied);
    }
  }

  List<Result> check() {
    return List.of(acknowledgedOrdersAreRows(), noOrderBehindNothingReserved(), oneLiveOrderPerShopper(),
        statusesNeverGoBackwards(), stockBalances(), eachReturnAppliedOnce());
  }

  /** 1. Every order id answered 202 is a row in PostgreSQL. */
  private Result acknowledgedOrdersAreRows() {
    Set<String> offenders = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    for (History.Op op : history.ops()) {
      if (op.kind() == History.Kind.BUY && op.status() == 202 && !db.orders().containsKey(op.orderId())) {
        missing.add(op.orderId());
        offenders.add(op.shopper());
      }
    }
    return new Result(1, "every order answered 202 is a row", missing.isEmpty(),
        history.acknowledged().size() + " acknowledged, " + missing.size() + " without a row" + sample(missing), offenders);
  }

  /**
   * 2. No order that was ever live (PENDING_PAYMENT, PAID, or CANCELLED after being live) came from a purchase answered
   * "nothing reserved". The order id's ULID time says when the gateway reserved it: if every purchase of the shopper in
   * flight at that moment was answered "nothing reserved", that answer was false, even if a later duplicate named the
   * order. Otherwise the order must be named by an answer the shopper got (202, 200 duplicate, 504 with its id), unless
   * one of the shopper's purchases had an unknown outcome.
   */
  private Result noOrderBehindNothingReserved() {
    Map<String, Set<String>> named = new HashMap<>();
    Map<String, List<History.Op>> buys = new HashMap<>();
    Set<String> unknown = new HashSet<>();
    for (History.Op op : history.ops()) {
      if (op.namesOrder()) {
        named.computeIfAbsent(op.shopper(), s -> new HashSet<>()).add(op.orderId());
      }
      if (op.outcomeUnknown()) {
        unknown.add(op.shopper());
      }
      if (op.kind() == History.Kind.BUY) {
        buys.computeIfAbsent(op.shopper(), s -> new ArrayList<>()).add(op);
      }
    }
    Set<String> offenders = new TreeSet<>();
    List<String> violations = new ArrayList<>();
    int excused = 0;
    for (OrderRow order : db.orders().values()) {
      if (!order.everLive()) {
        continue;
      }
      long reservedAt = history.runMs(reservedAtEpochMs(order.orderId()));
      List<History.Op> inFlight = buys.getOrDefault(order.userId(), List.of()).stream()
          .filter(op -> op.sentMs() - CLOCK_SLACK_MS <= reservedAt && reservedAt <= op.answeredMs() + CLOCK_SLACK_MS).toList();
      if (!inFlight.isEmpty() && inFlight.stream().allMatch(History.Op::toldNothingReserved)) {
        offenders.add(order.userId());
        violations.add(order.orderId() + " " + order.status() + " reserved at " + reservedAt + " ms during "
            + inFlight.stream().map(op -> "#" + op.index() + " " + op.status() + " " + op.code()).toList());
      } else if (!named.getOrDefault(order.userId(), Set.of()).contains(order.orderId())) {
        if (unknown.contains(order.userId())) {
          excused++;
        } else {
          offenders.add(order.userId());
          violations.add(order.orderId() + " " + order.status() + " named by no answer");
        }
      }
    }
    return new Result(2, "no shopper told \"nothing reserved\" holds an order from it", violations.isEmpty(),
        violations.size() + " orders behind a \"nothing reserved\" answer or named by none" + sample(violations)
            + "; " + excused + " unnamed ones excused by an unknown outcome", offenders);
  }

  /**
   * The gateway's clock when it minted the order id: the id's ULID tail starts with 48 bits of epoch ms
   * (Long.MIN_VALUE for an id of another shape, which no request window contains).
   */
  static long reservedAtEpochMs(String orderId) {
    String ulid = orderId.substring(orderId.lastIndexOf('-') + 1);
    if (ulid.length() != 26) {
      return Long.MIN_VALUE / 2;
    }
    long ms = 0;
    for (int i = 0; i < 10; i++) {
      ms = ms * 32 + CROCKFORD.indexOf(ulid.charAt(i));
    }
    return ms;
  }

  /** An order id of sale 1 minted at {@code epochMs}, told apart by {@code serial} (for tests of the checker). */
  static String orderIdAt(long epochMs, int serial) {
    char[] ulid = new char[26];
    for (int i = 0; i < 10; i++) {
      ulid[i] = CROCKFORD.charAt((int) (epochMs >>> ((9 - i) * 5)) & 31);
    }
    for (int i = 10; i < 26; i++) {
      ulid[i] = CROCKFORD.charAt(i < 20 ? 0 : (serial >>> ((25 - i) * 5)) & 31);
    }
    return "1-" + new String(ulid);
  }

  /** 3. No shopper holds two orders that are (or were) live. */
  private Result oneLiveOrderPerShopper() {
    Map<String, Integer> perShopper = new TreeMap<>();
    db.orders().values().stream().filter(OrderRow::everLive).forEach(o -> perShopper.merge(o.userId(), 1, Integer::sum));
    Set<String> offenders = new TreeSet<>();
    perShopper.forEach((shopper, count) -> {
      if (count > 1) {
        offenders.add(shopper);
      }
    });
    return new Result(3, "no shopper holds two live orders", offenders.isEmpty(),
        perShopper.size() + " shoppers with an order, " + offenders.size() + " with more than one", offenders);
  }

  /**
   * 4. No status a shopper saw is ahead of, or contradicted by, the database's final one: QUEUED < PENDING_PAYMENT <
   * PAID | CANCELLED, and PAID, CANCELLED and FAILED are final.
   */
  private Result statusesNeverGoBackwards() {
    Set<String> offenders = new TreeSet<>();
    List<String> violations = new ArrayList<>();
    Map<String, String> lastSeen = new HashMap<>();
    for (History.Op op : history.ops()) {
      String seen = seenStatus(op);
      if (seen == null) {
        continue;
      }
      lastSeen.put(op.orderId(), seen);
      OrderRow row = db.orders().get(op.orderId());
      String inDb = row == null ? null : row.status();
      if (!consistent(seen, inDb)) {
        offenders.add(op.shopper());
        violations.add(op.orderId() + " seen " + seen + " (#" + op.index() + ") but DB " + (inDb == null ? "has no row" : inDb));
      }
    }
    return new Result(4, "no status a shopper saw goes backwards against the DB", violations.isEmpty(),
        lastSeen.size() + " orders seen, " + violations.size() + " statuses contradicted" + sample(violations), offenders);
  }

  /** 5. initial = remaining + live units in PostgreSQL; once quiet Redis stock == DB remaining, nothing pending, no drift. */
  private Result stockBalances() {
    long liveUnits = db.orders().values().stream().filter(o -> LIVE.contains(o.status())).mapToLong(OrderRow::quantity).sum();
    boolean balanced = db.initial() == db.remaining() + liveUnits && db.remaining() >= 0;
    FaultStack.SaleFigures f = settled.figures();
    String quiet = f == null || settled.report() == null ? "Redis never read"
        : "Redis stock " + f.redisStock() + ", DB remaining " + f.dbRemaining() + ", pending " + f.pending()
            + ", in flight " + settled.report().inFlight() + ", drift " + settled.report().drift()
            + (settled.quiet() ? " (quiet)" : " (NOT QUIET within the bound)");
    return new Result(5, "stock balances and Redis converged to the DB", balanced && settled.quiet(),
        "initial " + db.initial() + " = remaining " + db.remaining() + " + live units " + liveUnits
            + (balanced ? "" : " DOES NOT HOLD") + "; " + quiet, Set.of());
  }

  /** 6. One stock_return row per CANCELLED order, with its quantity, none for any other order, all applied to Redis. */
  private Result eachReturnAppliedOnce() {
    Set<String> offenders = new TreeSet<>();
    List<String> wrong = new ArrayList<>();
    long cancelled = 0;
    for (OrderRow order : db.orders().values()) {
      Integer returned = db.stockReturns().get(order.orderId());
      boolean isCancelled = "CANCELLED".equals(order.status());
      cancelled += isCancelled ? 1 : 0;
      if (isCancelled ? returned == null || returned != order.quantity() : returned != null) {
        offenders.add(order.userId());
        wrong.add(order.orderId() + " " + order.status() + " returned " + (returned == null ? "nothing" : returned + " unit(s)"));
      }
    }
    for (String orderId : db.stockReturns().keySet()) {
      if (!db.orders().containsKey(orderId)) {
        wrong.add(orderId + " returned without an order row");
      }
    }
    boolean passed = wrong.isEmpty() && db.unappliedReturns() == 0;
    return new Result(6, "each stock return applied once", passed, cancelled + " cancelled orders, "
        + db.stockReturns().size() + " stock_return rows, " + db.unappliedReturns() + " not applied to Redis, "
        + wrong.size() + " wrong" + sample(wrong), offenders);
  }

  /** The order status an answer showed the shopper, if it showed one. */
  private static String seenStatus(History.Op op) {
    if (op.orderId() == null || op.orderStatus() == null) {
      return op.kind() == History.Kind.BUY && op.status() == 202 ? "QUEUED" : null;
    }
    return op.status() == 200 || op.status() == 202 || op.status() == 409 ? op.orderStatus() : null;
  }

  static boolean consistent(String seen, String inDb) {
    return switch (seen) {
      case "QUEUED" -> true;
      case "PENDING_PAYMENT" -> inDb != null && !"FAILED".equals(inDb);
      case "PAID", "CANCELLED" -> seen.equals(inDb);
      case "FAILED" -> inDb == null || "FAILED".equals(inDb);
      default -> false;
    };
  }

  /** The report: each check, and for a failed one the offending shoppers' histories (bounded). */
  String report(List<Result> results, int maxShoppers, int maxOpsEach) {
    StringBuilder out = new StringBuilder();
    Map<String, List<History.Op>> byShopper = history.byShopper();
    for (Result r : results) {
      out.append(String.format("  [%s] %d. %s: %s%n", r.passed() ? "PASS" : "FAIL", r.number(), r.name(), r.detail()));
    }
    for (Result r : results) {
      if (r.passed() || r.shoppers().isEmpty()) {
        continue;
      }
      out.append(String.format("== check %d failed: histories of %d of its %d shoppers%n", r.number(),
          Math.min(maxShoppers, r.shoppers().size()), r.shoppers().size()));
      r.shoppers().stream().limit(maxShoppers).forEach(shopper -> {
        out.append("  shopper ").append(shopper).append(", DB rows: ").append(db.ordersOf(shopper)).append('\n');
        List<History.Op> ops = byShopper.getOrDefault(shopper, List.of());
        ops.stream().limit(maxOpsEach).forEach(op -> out.append("    ").append(op).append('\n'));
        if (ops.size() > maxOpsEach) {
          out.append("    ... ").append(ops.size() - maxOpsEach).append(" more\n");
        }
      });
    }
    long passed = results.stream().filter(Result::passed).count();
    out.append(passed).append(" passed, ").append(results.size() - passed).append(" failed").append('\n');
    return out.toString();
  }

  private static String sample(List<String> items) {
    if (items.isEmpty()) {
      return "";
    }
    Set<String> shown = new LinkedHashSet<>(items.subList(0, Math.min(5, items.size())));
    return " " + shown + (items.size() > 5 ? " ..." : "");
  }
}
