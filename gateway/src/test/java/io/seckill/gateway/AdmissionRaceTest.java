package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.kafka.OrderMessage;
import io.seckill.infra.Invariants;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many shoppers racing for few units through the real gateway, Redis and Kafka. */
class AdmissionRaceTest {
  private static GatewayHarness gw;

  @BeforeAll
  static void start() {
    // The build machine is shared and often saturated: give Redis calls room so that the race, not
    // CPU starvation, decides the outcome (the 1 s default is for a dedicated gateway host).
    gw = new GatewayHarness(Map.of("SECKILL_REDIS_TIMEOUT_MS", "10000"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** Fires every request with at most {@code parallel} in flight and returns the answers. */
  private static List<HttpResponse<String>> fire(List<String[]> userAndPath, int parallel) throws Exception {
    Semaphore slots = new Semaphore(parallel);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (String[] call : userAndPath) {
      slots.acquire();
      answers.add(gw.postJsonAsync(call[1], call[0], "{\"quantity\":1}").whenComplete((r, e) -> slots.release()));
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return answers.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void twoThousandShoppersWithFourAttemptsEachBuyExactlyTheHundredUnits() throws Exception {
    long saleId = gw.seedOpenSale(100, 1);
    String path = "/api/v1/sales/" + saleId + "/orders";
    List<String[]> calls = new ArrayList<>();
    for (int attempt = 0; attempt < 4; attempt++) {
      for (int user = 0; user < 2000; user++) {
        calls.add(new String[] {"racer-" + user, path});
      }
    }
    List<HttpResponse<String>> answers = fire(calls, 64);
    Map<String, Set<String>> ordersByShopper = new ConcurrentHashMap<>();
    Set<String> admitted = new HashSet<>();
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<String> answer = answers.get(i);
      assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202, 409);
      if (answer.statusCode() == 409) {
        assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("SOLD_OUT");
        continue;
      }
      String orderId = new JsonObject(answer.body()).getString("orderId");
      ordersByShopper.computeIfAbsent(calls.get(i)[0], u -> ConcurrentHashMap.newKeySet()).add(orderId);
      if (answer.statusCode() == 202) {
        admitted.add(orderId);
      }
    }
    assertThat(admitted).hasSize(100);
    assertThat(ordersByShopper.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
    assertThat(gw.redisStock(saleId)).isZero();
    List<OrderMessage> messages = gw.orderMessages(100);
    assertThat(messages.stream().filter(m -> m.saleId() == saleId).map(OrderMessage::orderId).collect(Collectors.toSet()))
        .isEqualTo(admitted);
    Invariants.Report report = Invariants.check(gw.pgUrl, gw.infra.redisUrl(), saleId, admitted);
    // No consumer runs here, so every admitted order is still in flight; the other invariants must hold.
    assertThat(report.oversold()).isZero();
    assertThat(report.accountingGap()).isZero();
    assertThat(report.duplicateShoppers()).isZero();
    assertThat(report.drift()).isZero();
    assertThat(report.inFlight()).isEqualTo(100);
  }

  @Test
  void fiftyConcurrentRequestsOfOneShopperAdmitExactlyOneOrder() throws Exception {
    long saleId = gw.seedOpenSale(100, 1);
    String path = "/api/v1/sales/" + saleId + "/orders";
    List<String[]> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(new String[] {"eager-shopper", path});
    }
    List<HttpResponse<String>> answers = fire(calls, 50);
    assertThat(answers).filteredOn(a -> a.statusCode() == 202).hasSize(1);
    assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(200, 202));
    Set<String> orderIds = answers.stream().map(a -> new JsonObject(a.body()).getString("orderId")).collect(Collectors.toSet());
    assertThat(orderIds).hasSize(1);
    assertThat(gw.redisStock(saleId)).isEqualTo(99);
    Invariants.Report report = Invariants.check(gw.pgUrl, gw.infra.redisUrl(), saleId, orderIds);
    assertThat(report.oversold()).isZero();
    assertThat(report.duplicateShoppers()).isZero();
    assertThat(report.drift()).isZero();
  }
}
