package io.seckill.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardQueriesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void every_panel_and_variable_query_is_valid_promql_once_grafana_variables_are_filled_in(@TempDir Path dir)
      throws Exception {
    Promtool promtool = Promtool.require();
    GrafanaDashboard dashboard = GrafanaDashboard.read(MonitoringFiles.dashboard());
    List<GrafanaDashboard.Query> queries = dashboard.queries();
    assertThat(queries).as("dashboard queries").hasSizeGreaterThan(20);

    // One group per query, named after the panel, so promtool's error names the broken panel.
    StringBuilder rules = new StringBuilder("groups:\n");
    int index = 0;
    for (GrafanaDashboard.Query query : queries) {
      assertThat(query.expr()).as(query.where() + " has an expression").isNotBlank();
      String expr = dashboard.substitute(query.expr());
      assertThat(expr).as(query.where() + " after substitution").doesNotContain("$");
      rules.append("  - name: ").append(JSON.writeValueAsString(query.where())).append('\n')
          .append("    rules:\n")
          .append("      - record: dashboard:query_").append(index++).append('\n')
          .append("        expr: ").append(JSON.writeValueAsString(expr)).append('\n');
    }
    Path rulesFile = dir.resolve("dashboard-queries.rules.yml");
    Files.writeString(rulesFile, rules);

    Promtool.Result result = promtool.run(dir, "check", "rules", rulesFile.toString());

    assertThat(result.succeeded()).as("promtool check rules on the dashboard queries:\n%s\n%s", result.output(), rules)
        .isTrue();
    assertThat(result.output()).contains(index + " rules found");
  }

  @Test
  void substitution_fills_grafana_interval_and_dashboard_variables_and_rejects_unknown_ones() throws Exception {
    GrafanaDashboard dashboard = GrafanaDashboard.read(MonitoringFiles.dashboard());

    assertThat(dashboard.substitute("max(seckill_stock_drift_units{sale=~\"$sale\"}[$__rate_interval])"))
        .isEqualTo("max(seckill_stock_drift_units{sale=~\".*\"}[1m])");
    assertThat(dashboard.substitute("x{sale=~\"${sale}\"}[${__range}]")).isEqualTo("x{sale=~\".*\"}[1h]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dashboard.substitute("x{a=\"$nope\"}"))
        .hasMessageContaining("$nope");
  }
}
