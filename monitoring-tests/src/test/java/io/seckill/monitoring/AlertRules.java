package io.seckill.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The alert rules file and its promtool unit tests, read as YAML. */
final class AlertRules {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private AlertRules() {
  }

  static JsonNode read(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }

  /** Every alerting rule (recording rules have no "alert" key) across all groups. */
  static List<JsonNode> alerts(JsonNode rulesFile) {
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode group : rulesFile.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.add(rule);
        }
      }
    }
    return alerts;
  }

  /** Every alert_rule_test case of a promtool test file, across all its tests. */
  static List<JsonNode> alertCases(JsonNode testFile) {
    List<JsonNode> cases = new ArrayList<>();
    for (JsonNode test : testFile.path("tests")) {
      test.path("alert_rule_test").forEach(cases::add);
    }
    return cases;
  }

  /** Every input series selector of a promtool test file. */
  static List<String> inputSeries(JsonNode testFile) {
    List<String> series = new ArrayList<>();
    for (JsonNode test : testFile.path("tests")) {
      test.path("input_series").forEach(s -> series.add(s.path("series").asText()));
    }
    return series;
  }
}
