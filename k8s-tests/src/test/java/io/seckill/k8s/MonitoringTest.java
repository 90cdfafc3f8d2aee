package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard and the alert rules ship with every overlay and are valid for their tools. */
class MonitoringTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void theDashboardConfigMapIsLabelledForTheGrafanaSidecarAndShowsTheSaleMetrics(String overlay) {
    JsonNode configMap = Manifests.of(overlay).one("ConfigMap", "seckill-grafana-dashboard");
    assertThat(configMap.at("/metadata/labels/grafana_dashboard").asString("")).isEqualTo("1");
    JsonNode dashboard = JSON.readTree(configMap.at("/data/seckill-dashboard.json").asString());
    assertThat(dashboard.path("uid").asString("")).startsWith("seckill");
    assertThat(dashboard.at("/templating/list").valueStream()
        .anyMatch(v -> v.path("type").asString("").equals("datasource"))).as("datasource variable").isTrue();
    String queries = dashboard.path("panels").valueStream().flatMap(p -> p.path("targets").valueStream())
        .map(t -> t.path("expr").asString("")).collect(Collectors.joining("\n"));
    assertThat(queries).contains("seckill_purchase_attempts_total", "seckill_orders_persisted_total",
        "seckill_stock_drift");
    dashboard.path("panels").valueStream().filter(p -> !p.path("type").asString("").equals("row"))
        .forEach(p -> assertThat(p.at("/datasource/uid").asString(""))
            .as("panel %s uses the datasource variable", p.path("title")).isEqualTo("${datasource}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void alertsCoverDriftLagDeadLettersKafkaSendFailuresAndServerErrors(String overlay) {
    JsonNode rule = Manifests.of(overlay).one("PrometheusRule", "seckill-alerts");
    List<JsonNode> alerts = rule.at("/spec/groups").valueStream().flatMap(g -> g.path("rules").valueStream()).toList();
    String exprs = alerts.stream().map(a -> a.path("expr").asString("")).collect(Collectors.joining("\n"));
    assertThat(exprs).contains("seckill_stock_drift", "lag", "seckill_consumer_dlq_total",
        "seckill_kafka_send_failures_total", "code=~\"5..\"");
    alerts.forEach(a -> {
      assertThat(a.path("alert").asString("")).as("every rule is an alert").startsWith("Seckill");
      assertThat(a.at("/labels/severity").asString("")).as("%s severity", a.path("alert")).isIn("warning", "critical");
      assertThat(a.at("/annotations/summary").asString("")).as("%s summary", a.path("alert")).isNotBlank();
    });
    JsonNode drift = alerts.stream().filter(a -> a.path("expr").asString("").contains("seckill_stock_drift"))
        .findFirst().orElseThrow();
    assertThat(drift.path("for").asString("")).as("drift must persist before paging").isEqualTo("5m");
  }

  @Test
  void promtoolAcceptsThePrometheusRuleSpec(@TempDir Path dir) throws IOException, InterruptedException {
    Optional<Path> promtool = onPath("promtool");
    // A skipped check proves nothing: required on CI (.ci/run installs it), skipped only on a developer's machine.
    if (promtool.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.fail("promtool is not on the PATH; on CI `promtool check rules` must run "
          + "(.ci/run installs the prometheus package)");
    }
    assumeTrue(promtool.isPresent(), "promtool is not on the PATH (apt package prometheus; .ci/run installs it): "
        + "skipping `promtool check rules`");
    JsonNode rule = Manifests.of("prod").one("PrometheusRule", "seckill-alerts");
    Path rules = dir.resolve("seckill-alerts.yml");
    Manifests.YAML.writeValue(rules.toFile(), rule.path("spec"));

    Process process = new ProcessBuilder(promtool.get().toString(), "check", "rules", rules.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool check rules:\n%s", output).isZero();
    assertThat(output).contains("SUCCESS");
  }

  @Test
  void theK8sCopiesAreTheSameAsTheObservabilityFiles() throws IOException {
    Path root = Manifests.repoRoot();
    Path dashboard = root.resolve("monitoring/grafana/seckill-dashboard.json");
    Path alerts = root.resolve("monitoring/prometheus/seckill-alerts.yml");
    assertThat(dashboard).as("the Grafana dashboard").exists();
    assertThat(alerts).as("the Prometheus alert rules").exists();
    assertThat(JSON.readTree(root.resolve("k8s/base/monitoring/seckill-dashboard.json").toFile()))
        .as("k8s/base/monitoring/seckill-dashboard.json is stale: run k8s/sync-monitoring.sh")
        .isEqualTo(JSON.readTree(dashboard.toFile()));
    assertThat(Manifests.YAML.readTree(root.resolve("k8s/base/monitoring/prometheus-rule.yaml").toFile()).path("spec"))
        .as("k8s/base/monitoring/prometheus-rule.yaml is stale: run k8s/sync-monitoring.sh")
        .isEqualTo(Manifests.YAML.readTree(alerts.toFile()));
  }

  private static Optional<Path> onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
