package io.seckill.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator controls' contract: every one is idempotent (the same call again answers 200 with the same body and
 * leaves the same state, adding only its UNCHANGED audit row), and the gateway answers their effect as documented
 * problem+json (409 SALE_PAUSED, 403 USER_BLOCKED). Auth and bad input are rows of SecurityContractTest and
 * BadInputContractTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorControlContractTest {
  private ContractSystem system;

  @BeforeAll
  void start() throws Exception {
    // A generous request deadline: on a loaded machine a 2 s deadline turns slow answers into 504s this suite is not about.
    system = ContractSystem.start("controls", Map.of("SECKILL_REQUEST_TIMEOUT_MS", "15000"));
  }

  @AfterAll
  void stop() {
    if (system != null) {
      system.close();
    }
  }

  private Reply admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(system.stockUri(path))
        .header("Authorization", "Bearer " + ContractSystem.ADMIN_TOKEN).header("X-Seckill-Operator", "contract@test")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return ContractSystem.send(request);
  }

  private List<String> auditOutcomes() throws Exception {
    List<String> outcomes = new ArrayList<>();
    try (Connection db = system.db(); Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("SELECT action, outcome FROM admin_audit ORDER BY audit_id")) {
      while (rs.next()) {
        outcomes.add(rs.getString(1) + "/" + rs.getString(2));
      }
    }
    return outcomes;
  }

  /** The state minus the audit table, which a repeat is expected to grow by its UNCHANGED row. */
  private StateSnapshot stateWithoutAudit(long saleId) throws Exception {
    StateSnapshot state = StateSnapshot.take(system, List.of(saleId));
    Map<String, List<String>> tables = new LinkedHashMap<>(state.tables());
    tables.keySet().removeIf(query -> query.contains("admin_audit"));
    return new StateSnapshot(state.redis(), tables);
  }

  @Test
  @Order(1)
  void everyControlRepeatedAnswers200WithTheSameBodyAndLeavesTheSameState() throws Exception {
    long saleId = system.createSale(10, 1, 300, false, 1800);
    String sale = "/admin/v1/sales/" + saleId;
    Map<String, String[]> calls = new LinkedHashMap<>();
    calls.put("PATCH", new String[] {"PATCH", sale, "{\"priceCents\":2500,\"itemName\":\"Edited\"}"});
    calls.put("PAUSE", new String[] {"POST", sale + "/pause", null});
    calls.put("RESUME", new String[] {"POST", sale + "/resume", null});
    calls.put("END", new String[] {"POST", sale + "/end", null});
    calls.put("BLOCK", new String[] {"PUT", "/admin/v1/blocklist/contract-bot", null});
    calls.put("UNBLOCK", new String[] {"DELETE", "/admin/v1/blocklist/contract-bot", null});

    for (Map.Entry<String, String[]> call : calls.entrySet()) {
      String[] c = call.getValue();
      Reply first = admin(c[0], c[1], c[2]);
      StateSnapshot afterFirst = stateWithoutAudit(saleId);
      Reply second = admin(c[0], c[1], c[2]);
      StateSnapshot afterSecond = stateWithoutAudit(saleId);

      assertThat(first.status()).as("%s: %s", call.getKey(), first).isEqualTo(200);
      assertThat(second.status()).as("%s again: %s", call.getKey(), second).isEqualTo(200);
      JsonObject firstBody = first.json();
      JsonObject secondBody = second.json();
      // A warm-up report describes the rebuild each PATCH runs, not the sale: the sale is what must match.
      firstBody.remove("warmup");
      secondBody.remove("warmup");
      assertThat(secondBody).as("%s: body of the repeat", call.getKey()).isEqualTo(firstBody);
      assertThat(afterSecond).as("%s: state after the repeat", call.getKey()).isEqualTo(afterFirst);
      List<String> outcomes = auditOutcomes();
      assertThat(outcomes.subList(outcomes.size() - 2, outcomes.size()))
          .containsExactly(call.getKey() + "/APPLIED", call.getKey() + "/UNCHANGED");
    }
  }

  @Test
  @Order(2)
  void theGatewayAnswersAPausedSale409SalePausedAndABlockedShopper403UserBlockedAsProblemJson() throws Exception {
    long saleId = system.createSale(10, 1, 300, false, 0);
    assertThat(admin("POST", "/admin/v1/sales/" + saleId + "/pause", null).status()).isEqualTo(200);

    Problems.assertProblem(system.buy(saleId, "shopper-p", 1), 409, Set.of("SALE_PAUSED"), "buying in a paused sale");

    assertThat(admin("POST", "/admin/v1/sales/" + saleId + "/resume", null).status()).isEqualTo(200);
    assertThat(admin("PUT", "/admin/v1/blocklist/shopper-b", null).status()).isEqualTo(200);

    Problems.assertProblem(system.buy(saleId, "shopper-b", 1), 403, Set.of("USER_BLOCKED"), "a blocked shopper buying");
    assertThat(system.buy(saleId, "shopper-p", 1).status()).isEqualTo(202);
  }

  @Test
  @Order(3)
  void anEditOfAnOpenSaleIs409SaleAlreadyOpenAsProblemJson() throws Exception {
    long saleId = system.createSale(10, 1, 300, false, 0);

    Reply refused = admin("PATCH", "/admin/v1/sales/" + saleId, "{\"stock\":1000}");

    Problems.assertProblem(refused, 409, Set.of("SALE_ALREADY_OPEN"), "editing an open sale");
  }
}
