package io.seckill.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardModelTest {
  private static final String DATASOURCE_REF = "${datasource}";

  @Test
  void dashboard_keeps_its_stable_uid_so_links_and_provisioning_survive_reimports() throws Exception {
    JsonNode root = GrafanaDashboard.read(MonitoringFiles.dashboard()).root();

    assertThat(root.path("uid").asText()).isEqualTo("seckill-overview");
    assertThat(root.path("schemaVersion").asInt()).isBetween(36, 41);
    assertThat(root.path("title").asText()).isNotBlank();
  }

  @Test
  void dashboard_has_a_prometheus_datasource_variable_and_a_sale_variable_fed_by_the_stock_gauge() throws Exception {
    GrafanaDashboard dashboard = GrafanaDashboard.read(MonitoringFiles.dashboard());

    JsonNode datasource = dashboard.variable("datasource");
    assertThat(datasource).as("datasource variable").isNotNull();
    assertThat(datasource.path("type").asText()).isEqualTo("datasource");
    assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

    JsonNode sale = dashboard.variable("sale");
    assertThat(sale).as("sale variable").isNotNull();
    assertThat(sale.path("type").asText()).isEqualTo("query");
    assertThat(sale.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE_REF);
    assertThat(sale.path("query").path("query").asText()).isEqualTo("label_values(seckill_stock_remaining_units, sale)");
  }

  @Test
  void every_panel_and_every_target_queries_through_the_datasource_variable() throws Exception {
    List<JsonNode> panels = GrafanaDashboard.read(MonitoringFiles.dashboard()).panels();
    assertThat(panels).isNotEmpty();

    for (JsonNode panel : panels) {
      String name = "panel " + panel.path("id").asInt() + " \"" + panel.path("title").asText() + "\"";
      assertThat(panel.path("datasource").path("uid").asText()).as(name + " datasource").isEqualTo(DATASOURCE_REF);
      assertThat(panel.path("targets").size()).as(name + " targets").isPositive();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asText())
            .as(name + " target " + target.path("refId").asText() + " datasource").isEqualTo(DATASOURCE_REF);
      }
    }
  }

  @Test
  void panel_ids_are_unique_and_the_latency_panel_draws_the_10_ms_slo_line() throws Exception {
    GrafanaDashboard dashboard = GrafanaDashboard.read(MonitoringFiles.dashboard());
    List<Integer> ids = new ArrayList<>();
    for (JsonNode panel : dashboard.root().path("panels")) {
      ids.add(panel.path("id").asInt());
      panel.path("panels").forEach(nested -> ids.add(nested.path("id").asInt()));
    }
    assertThat(ids).doesNotHaveDuplicates();

    JsonNode latency = dashboard.panels().stream()
        .filter(p -> p.toString().contains("histogram_quantile(0.99, sum by (le) (rate(seckill_purchase_duration_seconds_bucket"))
        .findFirst().orElseThrow();
    JsonNode defaults = latency.path("fieldConfig").path("defaults");
    assertThat(defaults.path("unit").asText()).isEqualTo("s");
    assertThat(defaults.path("custom").path("thresholdsStyle").path("mode").asText()).startsWith("line");
    assertThat(defaults.path("thresholds").path("steps").findValuesAsText("value")).contains("0.01");
  }
}
