package io.seckill.monitoring;

import io.seckill.testing.SeckillSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.RunningService;
import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real scrape of each service's {@code /metrics} on its management port, after a purchase went through the
 * pipeline, passes {@code promtool check metrics} and shows the catalogue's meters moving; the public ports serve
 * neither metrics nor health.
 */
class MetricsScrapeTest {
  private static SeckillSystem system;
  private static long saleId;

  @BeforeAll
  static void runOnePurchaseThroughTheSystem() throws Exception {
    system = SeckillSystem.start("metrics", java.util.Map.of());
    saleId = system.createOpenSale(5);
    HttpResponse<String> bought = system.buy(saleId, "metrics-alice");
    assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void gatewayMetricsPassPromtoolAndCountTheAdmission() throws Exception {
    // The attempt is counted when the response ends, which may be a moment after the client read it.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(system.gateway()))
        .contains("seckill_purchase_attempts_total{outcome=\"admitted\",service=\"gateway\"} 1.0"));
    String scrape = scrape(system.gateway());
    assertThat(scrape).contains("seckill_purchase_duration_seconds_bucket");
    assertThat(scrape).contains("vertx_http_server_requests_total");
    assertThat(scrape).contains("jvm_memory_used_bytes");
    assertPromtoolAccepts("gateway", scrape);
  }

  @Test
  void orderConsumerMetricsPassPromtoolAndCountThePersistedOrder() throws Exception {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(scrape(system.consumer())).contains("seckill_orders_persisted_total{result=\"inserted\",service=\"order-consumer\"} 1.0"));
    String scrape = scrape(system.consumer());
    assertThat(scrape).contains("kafka_consumer_fetch_manager_records_lag");
    assertPromtoolAccepts("order-consumer", scrape);
  }

  @Test
  void stockServiceMetricsPassPromtoolAndExportTheSaleStock() throws Exception {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(scrape(system.stock())).contains("seckill_stock_drift_units{sale=\"" + saleId + "\",service=\"stock-service\"} 0.0"));
    assertPromtoolAccepts("stock-service", scrape(system.stock()));
  }

  @Test
  void theShopperAndOperatorPortsAnswer404ForMetricsAndHealth() throws Exception {
    for (RunningService service : java.util.List.of(system.gateway(), system.stock())) {
      assertThat(service.managementPort()).isNotEqualTo(service.httpPort());
      for (String path : java.util.List.of("/metrics", "/health/ready", "/health/live")) {
        HttpResponse<String> answer = SeckillSystem.send(HttpRequest.newBuilder(SeckillSystem.uri(service, path)).GET());
        assertThat(answer.statusCode()).as("%s on port %s", path, service.httpPort()).isEqualTo(404);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      }
    }
  }

  private static String scrape(RunningService service) throws Exception {
    HttpResponse<String> response = SeckillSystem.send(HttpRequest.newBuilder(SeckillSystem.managementUri(service, "/metrics")).GET());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static void assertPromtoolAccepts(String service, String scrape) throws Exception {
    File promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> new File(dir, "promtool")).filter(File::canExecute).findFirst().orElse(null);
    if (promtool == null) {
      assertThat(System.getenv("CI")).as("promtool is not on the PATH; .ci/run installs it (apt package prometheus)")
          .isNotEqualTo("true");
      assumeThat(promtool).as("promtool not installed: skipping the lint of the %s scrape", service).isNotNull();
    }
    Process process = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
    process.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool check metrics on the %s scrape:\n%s", service, output).isZero();
  }
}
