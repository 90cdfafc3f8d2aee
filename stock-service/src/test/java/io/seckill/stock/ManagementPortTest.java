package io.seckill.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.infra.FaultProxy;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * /metrics and /health/* answer on the management port only; the operator and payment port does not serve them; a
 * dependency that is down shows as a reason word, never as its error text.
 */
class ManagementPortTest extends OneStockServiceTest {

  @Test
  void theManagementPortServesMetricsLivenessAndReadiness() {
    assertThat(service.managementPort()).isPositive().isNotEqualTo(service.httpPort());
    HttpResponse<String> ready = harness.management(service, "/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("checks").fieldNames())
        .containsExactlyInAnyOrder("postgresql", "redis");
    assertThat(harness.management(service, "/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = harness.management(service, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("service=\"stock-service\"");
  }

  @Test
  void theApiPortAnswers404ProblemJsonForMetricsAndHealthEvenWithTheAdminToken() {
    for (String path : List.of("/metrics", "/health/ready", "/health/live")) {
      HttpResponse<String> answer = harness.get(service, path);
      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
      assertThat(new JsonObject(answer.body()).getString("code")).as(path).isEqualTo("NOT_FOUND");
    }
  }

  @Test
  void theManagementPortServesNothingElse() {
    HttpResponse<String> admin = harness.management(service, "/admin/v1/sales");
    assertThat(admin.statusCode()).isEqualTo(404);
    assertThat(harness.management(service, "/openapi.yaml").statusCode()).isEqualTo(404);
  }

  @Test
  void aDatabaseCutOffAnswers503NamingOnlyTheCheckAndAReasonWordNotTheHostPortOrError() throws Exception {
    try (FaultProxy postgres = FaultProxy.inFrontOf("postgres-readiness", harness.pgUrl)) {
      String proxied = postgres.route(harness.pgUrl);
      StockService cut = harness.start(Map.of("SECKILL_PG_URL", proxied, "SECKILL_READINESS_CACHE_MS", "0"));
      await().atMost(Duration.ofSeconds(20)).until(() -> harness.management(cut, "/health/ready").statusCode() == 200);

      postgres.reset(); // every connection, and each new one, closed with a TCP RST

      await().atMost(Duration.ofSeconds(20)).until(() -> harness.management(cut, "/health/ready").statusCode() == 503);
      HttpResponse<String> ready = harness.management(cut, "/health/ready");
      JsonObject checks = new JsonObject(ready.body()).getJsonObject("checks");
      assertThat(checks.getJsonObject("postgresql").getString("status")).isEqualTo("DOWN");
      assertThat(checks.getJsonObject("postgresql").getString("reason")).isIn("unavailable", "timeout");
      assertThat(checks.getJsonObject("redis").getString("status")).isEqualTo("UP");
      URI pg = URI.create(harness.pgUrl);
      assertThat(ready.body()).doesNotContain("127.0.0.1", "localhost", pg.getHost(), Integer.toString(postgres.port()),
          Integer.toString(pg.getPort()), "Exception", "Connection", "refused", "reset", "postgresql://");
      postgres.pass();
    }
  }
}
