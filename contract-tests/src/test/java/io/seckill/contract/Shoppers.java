package io.seckill.contract;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the actors of the randomised test know, shared between them: the orders they were given, the
 * payments they sent, and every answer that broke the contract (a violation, reported at the end).
 */
final class Shoppers {
  record OrderRef(String orderId, String shopper, long saleId, int quantity, long createdNanos) {
    /** A quarter of the shoppers walk away from their orders, so payment timeouts happen; paid late, if at all. */
    boolean abandoned() {
      return shopper.hashCode() % 4 == 0;
    }

    boolean untouchable() {
      return abandoned() && System.nanoTime() - createdNanos < java.util.concurrent.TimeUnit.SECONDS.toNanos(
          RandomisedConcurrencyTest.PAYMENT_TIMEOUT_S + 1);
    }
  }

  record Payment(String paymentId, String orderId, long amountCents) {
  }

  private final ContractSystem system;
  private final List<Long> sales;
  private final int shoppers;
  private final Map<String, OrderRef> byShopperAndSale = new ConcurrentHashMap<>();
  private final List<OrderRef> orders = new CopyOnWriteArrayList<>();
  private final List<OrderRef> cancelled = new CopyOnWriteArrayList<>();
  private final List<Payment> payments = new CopyOnWriteArrayList<>();
  private final Set<Payment> unknownOrderPayments = ConcurrentHashMap.newKeySet();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final AtomicLong paymentIds = new AtomicLong();

  Shoppers(ContractSystem system, List<Long> sales, int shoppers) {
    this.system = system;
    this.sales = sales;
    this.shoppers = shoppers;
  }

  void buy(Random rng) throws Exception {
    String shopper = "shopper-" + rng.nextInt(shoppers);
    long saleId = sales.get(rng.nextInt(sales.size()));
    buy(shopper, saleId, 1 + rng.nextInt(2));
  }

  void duplicateBuy(Random rng) throws Exception {
    OrderRef known = pick(orders, rng);
    if (known != null) {
      buy(known.shopper(), known.saleId(), known.quantity());
    }
  }

  private void buy(String shopper, long saleId, int quantity) throws Exception {
    Reply reply = system.buy(saleId, shopper, quantity);
    String key = shopper + "|" + saleId;
    OrderRef known = byShopperAndSale.get(key);
    if (reply.status() == 202) {
      OrderRef order = new OrderRef(reply.json().getString("orderId"), shopper, saleId, quantity, System.nanoTime());
      OrderRef previous = byShopperAndSale.putIfAbsent(key, order);
      if (previous != null) {
        violation("a second order for " + key + ": " + order.orderId() + " after " + previous.orderId());
      }
      orders.add(order);
      count("buy 202");
    } else if (reply.status() == 200) {
      JsonObject body = reply.json();
      if (!Boolean.TRUE.equals(body.getBoolean("duplicate")) || known != null && !known.orderId().equals(body.getString("orderId"))) {
        violation("duplicate buy of " + key + " (known " + known + ") answered " + reply);
      }
      count("buy duplicate");
    } else {
      expectProblem(reply, 409, "SOLD_OUT", "buy of " + key);
      if (known != null) {
        // The contract: a shopper who holds an order gets it back (200 duplicate), sold out or not.
        violation("buy of " + key + " answered SOLD_OUT although the shopper holds " + known.orderId());
      }
      count("buy sold out");
    }
  }

  void cancel(Random rng) throws Exception {
    OrderRef order = pick(orders, rng);
    if (order == null || order.abandoned()) {
      return;
    }
    Reply reply = system.cancel(order.orderId(), order.shopper());
    if (reply.status() == 200 && "CANCELLED".equals(reply.json().getString("status"))) {
      cancelled.add(order);
      count("cancel 200");
    } else {
      expectProblem(reply, 409, "ORDER_NOT_CANCELLABLE", "cancel of " + order);
      count("cancel refused");
    }
  }

  void pay(Random rng) throws Exception {
    OrderRef order = pick(orders, rng);
    if (order != null && !order.untouchable()) {
      deliver(new Payment("pay-" + paymentIds.incrementAndGet(), order.orderId(), ContractSystem.PRICE_CENTS * order.quantity()), null);
    }
  }

  /** The provider delivering the same callback again (its retry). */
  void replayPayment(Random rng) throws Exception {
    Payment payment = pick(payments, rng);
    if (payment != null) {
      deliver(payment, null);
    }
  }

  /** A payment that arrives after the shopper cancelled: recorded as REFUND_REQUIRED, never PAID. */
  void latePay(Random rng) throws Exception {
    OrderRef order = pick(cancelled, rng);
    if (order != null) {
      deliver(new Payment("late-" + paymentIds.incrementAndGet(), order.orderId(), ContractSystem.PRICE_CENTS * order.quantity()),
          "refund_required");
    }
  }

  void read(Random rng) throws Exception {
    OrderRef order = pick(orders, rng);
    if (order == null) {
      return;
    }
    Reply reply = system.order(order.orderId(), order.shopper());
    String status = reply.status() == 200 ? reply.json().getString("status") : null;
    if (!Set.of("QUEUED", "PENDING_PAYMENT", "PAID", "CANCELLED").contains(status)) {
      violation("read of " + order + " answered " + reply);
    }
    count("read");
  }

  /** After the run every order is a row: each callback first answered 404 is delivered again and must now be taken. */
  void redeliverUnknownOrderPayments() throws Exception {
    for (Payment payment : List.copyOf(unknownOrderPayments)) {
      unknownOrderPayments.remove(payment);
      Reply reply = send(payment);
      if (reply.status() != 200) {
        violation("redelivered payment " + payment + " answered " + reply);
      }
    }
  }

  private void deliver(Payment payment, String expectedResult) throws Exception {
    payments.add(payment);
    Reply reply = send(payment);
    if (reply.status() == 200) {
      String result = reply.json().getString("result");
      // Another actor may replay this payment before its first delivery is answered; the loser of
      // that race is a duplicate, which must still say whether the money has to be refunded.
      boolean duplicateOfExpected = "duplicate".equals(result)
          && (!"refund_required".equals(expectedResult) || Boolean.TRUE.equals(reply.json().getBoolean("refundRequired")));
      if (expectedResult != null && !expectedResult.equals(result) && !duplicateOfExpected) {
        violation("payment " + payment + " expected " + expectedResult + " but answered " + reply);
      }
      if ("refund_required".equals(result) && "PAID".equals(reply.json().getString("orderStatus")) && expectedResult != null) {
        violation("late payment " + payment + " left the order PAID: " + reply);
      }
      count("pay " + result);
    } else if (expectedResult == null && reply.status() == 404) {
      expectProblem(reply, 404, "ORDER_NOT_FOUND", "payment " + payment);
      unknownOrderPayments.add(payment);
      count("pay before the order was a row");
    } else {
      violation("payment " + payment + " answered " + reply);
    }
  }

  private Reply send(Payment payment) throws Exception {
    return system.pay(payment.paymentId(), payment.orderId(), payment.amountCents());
  }

  private void expectProblem(Reply reply, int status, String code, String what) {
    boolean matches = reply.status() == status && String.valueOf(reply.header("Content-Type")).startsWith(Problems.PROBLEM_JSON)
        && code.equals(reply.json().getString("code"));
    if (!matches) {
      violation(what + " answered " + reply);
    }
  }

  void violation(String what) {
    violations.add(what);
  }

  private void count(String what) {
    counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  private static <T> T pick(List<T> list, Random rng) {
    List<T> copy = new ArrayList<>(list);
    return copy.isEmpty() ? null : copy.get(rng.nextInt(copy.size()));
  }

  List<String> violations() {
    return violations;
  }

  List<String> acknowledged() {
    return orders.stream().map(OrderRef::orderId).toList();
  }

  String summary() {
    return new java.util.TreeMap<>(counts).toString();
  }
}
