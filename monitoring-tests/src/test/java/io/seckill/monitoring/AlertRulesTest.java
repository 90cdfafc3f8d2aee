package io.seckill.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");

  @Test
  void alert_rules_pass_promtool_check_rules() throws Exception {
    Promtool promtool = Promtool.require();

    Promtool.Result result = promtool.run(MonitoringFiles.alertRules().getParent(), "check", "rules",
        MonitoringFiles.alertRules().getFileName().toString());

    assertThat(result.succeeded()).as("promtool check rules:\n%s", result.output()).isTrue();
  }

  @Test
  void alert_rule_unit_tests_pass_promtool_test_rules() throws Exception {
    Promtool promtool = Promtool.require();

    Promtool.Result result = promtool.run(MonitoringFiles.alertRuleTests().getParent(), "test", "rules",
        MonitoringFiles.alertRuleTests().getFileName().toString());

    assertThat(result.succeeded()).as("promtool test rules:\n%s", result.output()).isTrue();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void every_alert_has_a_severity_summary_description_and_runbook_section_in_the_observability_doc() throws Exception {
    List<JsonNode> alerts = AlertRules.alerts(AlertRules.read(MonitoringFiles.alertRules()));
    String doc = java.nio.file.Files.readString(MonitoringFiles.repoRoot().resolve("docs/observability.md"));
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(6);

    for (JsonNode alert : alerts) {
      String name = alert.path("alert").asText();
      assertThat(alert.path("labels").path("severity").asText()).as(name + " severity").isIn(SEVERITIES);
      assertThat(alert.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
      assertThat(alert.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
      String runbook = alert.path("annotations").path("runbook_url").asText();
      assertThat(runbook).as(name + " runbook").isEqualTo("docs/observability.md#" + name.toLowerCase());
      assertThat(doc).as("docs/observability.md has a section for " + name).contains("### " + name);
    }
  }

  @Test
  void every_alert_has_a_unit_test_where_it_fires_and_one_where_it_stays_quiet() throws Exception {
    List<JsonNode> alerts = AlertRules.alerts(AlertRules.read(MonitoringFiles.alertRules()));
    List<JsonNode> cases = AlertRules.alertCases(AlertRules.read(MonitoringFiles.alertRuleTests()));

    for (JsonNode alert : alerts) {
      String name = alert.path("alert").asText();
      List<JsonNode> own = cases.stream().filter(c -> name.equals(c.path("alertname").asText())).toList();
      assertThat(own).as(name + " firing case").anyMatch(c -> c.path("exp_alerts").size() > 0);
      assertThat(own).as(name + " quiet case").anyMatch(c -> c.path("exp_alerts").isEmpty());
    }
  }
}
