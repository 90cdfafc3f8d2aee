package io.seckill.fault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every request the randomized run's shoppers sent and what came back (Jepsen's history): when it was
 * sent and answered, by whom, what kind, the status and problem code, the order it named and the order
 * status it showed. Appended from many threads; read once the run is over.
 */
final class History {
  enum Kind { BUY, GET, CANCEL, PAY }

  /**
   * One request and its answer.
   *
   * @param attempt     how the request came about: {@code first}, {@code retry same key}, {@code retry new key},
   *                    {@code retry no key}, {@code later} (a sold-out shopper trying again), {@code duplicate delivery}
   * @param status      the HTTP status, 0 when no answer came ({@code failure} says why)
   * @param orderId     the order the answer named (body {@code orderId} or the Location), else the order asked about
   * @param orderStatus the order status the answer showed, null when it showed none
   * @param failure     {@code timeout}, {@code reset}, {@code refused} when no answer came, else null
   */
  record Op(long index, String shopper, Kind kind, String attempt, String idempotencyKey, long sentMs, long answeredMs,
            int status, String code, String orderId, String orderStatus, boolean duplicate, String failure) {

    /** A purchase answer that names the shopper's order: 202, 200 duplicate, or 504 OUTCOME_UNKNOWN carrying its id. */
    boolean namesOrder() {
      return kind == Kind.BUY && orderId != null
          && (status == 202 || (status == 200 && duplicate) || (status == 504 && "OUTCOME_UNKNOWN".equals(code)));
    }

    /**
     * A purchase that may have taken an order nobody told the shopper about: no answer other than a refused
     * connection (the request may have arrived), a 504 without an order id, or any 5xx the contract does not
     * define as "nothing reserved".
     */
    boolean outcomeUnknown() {
      if (kind != Kind.BUY) {
        return false;
      }
      if (status == 0) {
        return !"refused".equals(failure);
      }
      if (status == 504) {
        return orderId == null;
      }
      return status >= 500 && !nothingReserved();
    }

    /** A purchase answered "nothing reserved", or refused before the request could arrive. */
    boolean toldNothingReserved() {
      return kind == Kind.BUY && (nothingReserved() || (status == 0 && "refused".equals(failure)));
    }

    /** 503 UNAVAILABLE / SALE_NOT_READY, any 4xx: the contract says nothing was reserved. */
    boolean nothingReserved() {
      return (status == 503 && ("UNAVAILABLE".equals(code) || "SALE_NOT_READY".equals(code)))
          || (status >= 400 && status < 500);
    }

    /** How the answer is counted in the report: {@code BUY 202}, {@code BUY 409 SOLD_OUT}, {@code GET no answer (timeout)}. */
    String answerKind() {
      String what = status == 0 ? "no answer (" + failure + ")"
          : status + (code == null ? "" : " " + code) + (duplicate ? " duplicate" : "");
      return kind + " " + what;
    }

    @Override
    public String toString() {
      return String.format("#%d %d..%d ms %s %s%s -> %s%s%s", index, sentMs, answeredMs, kind, attempt,
          idempotencyKey == null ? "" : " key=" + idempotencyKey, status == 0 ? "no answer (" + failure + ")"
              : status + (code == null ? "" : " " + code) + (duplicate ? " duplicate" : ""),
          orderId == null ? "" : " order=" + orderId, orderStatus == null ? "" : " status=" + orderStatus);
    }
  }

  private final long startMs = System.currentTimeMillis();
  private final AtomicLong indexes = new AtomicLong();
  private final List<Op> ops = new ArrayList<>();

  /** Milliseconds since the run started: every time in the history and the nemesis log is on this clock. */
  long now() {
    return System.currentTimeMillis() - startMs;
  }

  /** An epoch-millisecond instant (an order id's ULID time) on the history's clock. */
  long runMs(long epochMs) {
    return epochMs - startMs;
  }

  Op record(String shopper, Kind kind, String attempt, String key, long sentMs, int status, String code, String orderId,
            String orderStatus, boolean duplicate, String failure) {
    Op op = new Op(indexes.incrementAndGet(), shopper, kind, attempt, key, sentMs, now(), status, code, orderId,
        orderStatus, duplicate, failure);
    synchronized (ops) {
      ops.add(op);
    }
    return op;
  }

  /** Every operation, by the time it was answered. */
  List<Op> ops() {
    synchronized (ops) {
      List<Op> copy = new ArrayList<>(ops);
      copy.sort(Comparator.comparingLong(Op::answeredMs).thenComparingLong(Op::index));
      return copy;
    }
  }

  Map<String, List<Op>> byShopper() {
    Map<String, List<Op>> shoppers = new TreeMap<>();
    for (Op op : ops()) {
      shoppers.computeIfAbsent(op.shopper(), s -> new ArrayList<>()).add(op);
    }
    return shoppers;
  }

  /** Answers by kind, e.g. {@code BUY 202=81, BUY 409 SOLD_OUT=230, GET 200=300}. */
  Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Op op : ops()) {
      counts.merge(op.answerKind(), 1, Integer::sum);
    }
    return counts;
  }

  /** Every order id a 202 named. */
  List<String> acknowledged() {
    return ops().stream().filter(op -> op.kind() == Kind.BUY && op.status() == 202 && op.orderId() != null)
        .map(Op::orderId).distinct().toList();
  }
}
