package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.infra.Invariants;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The checker itself, on hand-made histories and database snapshots: each check fails on the violation it names. */
class HistoryCheckerTest {
  private static final Verdict.Settled QUIET = new Verdict.Settled(new Invariants.Report(1, 0, 0, 0, 0, 0, 0),
      new FaultStack.SaleFigures(10, 9, 9L, 0, 1, 0, 0), true);

  private final History history = new History();
  /** Minted as the test starts: inside the window of every request the test records (sent at 0, answered later). */
  private final String idA = HistoryChecker.orderIdAt(System.currentTimeMillis(), 1);
  private final String idB = HistoryChecker.orderIdAt(System.currentTimeMillis(), 2);
  private final Map<String, HistoryChecker.OrderRow> orders = new TreeMap<>();
  private final Map<String, Integer> returns = new TreeMap<>();

  @Test
  void aConsistentHistoryPassesEveryCheck() {
    buy("alice", 202, null, idA, "QUEUED");
    read("alice", idA, "PENDING_PAYMENT");
    row(idA, "alice", "PENDING_PAYMENT");
    buy("bob", 409, "SOLD_OUT", null, null);

    assertThat(failed(check(9))).isEmpty();
  }

  @Test
  void anAcknowledgedOrderWithoutARowFailsCheckOne() {
    buy("alice", 202, null, idA, "QUEUED");

    assertThat(failed(check(10))).containsEntry(1, "alice");
  }

  @Test
  void aLiveOrderOfAShopperToldNothingWasReservedFailsCheckTwoUnlessAnotherAnswerWasUnknown() {
    buy("alice", 503, "UNAVAILABLE", null, null);
    row(idA, "alice", "PENDING_PAYMENT");
    assertThat(failed(check(9))).containsEntry(2, "alice");

    history.record("alice", History.Kind.BUY, "retry no key", null, 0, 0, null, null, null, false, "timeout");
    assertThat(failed(check(9))).doesNotContainKey(2);
  }

  @Test
  void anOrderReservedWhileTheOnlyPurchaseInFlightWasAnswered503FailsCheckTwoEvenIfALaterDuplicateNamesIt() {
    buy("alice", 503, "UNAVAILABLE", null, null);
    long later = history.now() + 1000;
    history.record("alice", History.Kind.BUY, "retry no key", null, later, 200, null, idA, "PENDING_PAYMENT", true, null);
    row(idA, "alice", "PAID");

    assertThat(failed(check(9))).containsEntry(2, "alice");
  }

  @Test
  void anOrderReservedOutsideEveryRequestWindowIsJudgedByTheAnswersThatNameIt() {
    String minted = HistoryChecker.orderIdAt(System.currentTimeMillis() + 60_000, 3);
    buy("alice", 202, null, minted, "QUEUED");
    row(minted, "alice", "PAID");

    assertThat(failed(check(9))).isEmpty();
  }

  @Test
  void anOrderNamedByA504OutcomeUnknownIsTheShoppersOwn() {
    buy("alice", 504, "OUTCOME_UNKNOWN", idA, null);
    row(idA, "alice", "PAID");

    assertThat(failed(check(9))).isEmpty();
  }

  @Test
  void twoLiveOrdersOfOneShopperFailCheckThree() {
    buy("alice", 202, null, idA, "QUEUED");
    buy("alice", 202, null, idB, "QUEUED");
    row(idA, "alice", "PENDING_PAYMENT");
    row(idB, "alice", "PAID");

    assertThat(failed(check(8))).containsEntry(3, "alice");
  }

  @Test
  void aStatusSeenAheadOfOrAgainstTheDatabaseFailsCheckFour() {
    buy("alice", 202, null, idA, "QUEUED");
    read("alice", idA, "FAILED");
    row(idA, "alice", "PENDING_PAYMENT");
    buy("bob", 202, null, idB, "QUEUED");
    read("bob", idB, "PAID");
    row(idB, "bob", "PENDING_PAYMENT");

    assertThat(check(8).stream().filter(r -> r.number() == 4).findFirst().orElseThrow().shoppers())
        .containsExactly("alice", "bob");
  }

  @Test
  void stockThatDoesNotBalanceFailsCheckFive() {
    buy("alice", 202, null, idA, "QUEUED");
    row(idA, "alice", "PENDING_PAYMENT");

    assertThat(failed(check(8))).containsKey(5);
  }

  @Test
  void aCancelledOrderWithoutItsReturnOrAPaidOneWithAReturnFailsCheckSix() {
    buy("alice", 202, null, idA, "QUEUED");
    row(idA, "alice", "CANCELLED");
    buy("bob", 202, null, idB, "QUEUED");
    row(idB, "bob", "PAID");
    returns.put(idB, 1);

    assertThat(check(9).stream().filter(r -> r.number() == 6).findFirst().orElseThrow().shoppers())
        .containsExactly("alice", "bob");
  }

  @Test
  void theReservationTimeIsReadFromTheGatewaysOrderId() {
    long before = System.currentTimeMillis();
    String orderId = io.seckill.common.order.OrderIds.next(42L);

    assertThat(HistoryChecker.reservedAtEpochMs(orderId)).isBetween(before, System.currentTimeMillis());
  }

  private void buy(String shopper, int status, String code, String orderId, String orderStatus) {
    history.record(shopper, History.Kind.BUY, "first", null, 0, status, code, orderId, orderStatus, false, null);
  }

  private void read(String shopper, String orderId, String orderStatus) {
    history.record(shopper, History.Kind.GET, "poll", null, 0, 200, null, orderId, orderStatus, false, null);
  }

  private void row(String orderId, String shopper, String status) {
    orders.put(orderId, new HistoryChecker.OrderRow(orderId, shopper, 1, status, null));
  }

  private List<HistoryChecker.Result> check(long remaining) {
    HistoryChecker.DbSnapshot db = new HistoryChecker.DbSnapshot(10, remaining, orders, returns, 0);
    return new HistoryChecker(history, db, QUIET).check();
  }

  /** Failed checks by number, each with its first offending shopper ("" when it names none). */
  private static Map<Integer, String> failed(List<HistoryChecker.Result> results) {
    return results.stream().filter(r -> !r.passed()).collect(Collectors.toMap(HistoryChecker.Result::number,
        r -> r.shoppers().isEmpty() ? "" : r.shoppers().iterator().next()));
  }
}
