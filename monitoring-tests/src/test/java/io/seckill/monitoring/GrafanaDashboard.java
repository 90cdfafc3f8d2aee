package io.seckill.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The dashboard JSON model, read the way Grafana reads it: panels (also inside rows), targets, variables. */
final class GrafanaDashboard {
  /** Grafana's own interval variables, replaced by a fixed sane value. */
  private static final Map<String, String> BUILT_INS = Map.of(
      "__rate_interval", "1m", "__interval", "1m", "__range", "1h", "__range_s", "3600", "__interval_ms", "60000");
  /** A dashboard variable in an expression; it only ever sits inside a regex matcher, so ".*" means all. */
  private static final String DASHBOARD_VARIABLE_VALUE = ".*";
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");
  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*(.+?)\\s*,\\s*\\w+\\s*\\)\\s*$");

  private final JsonNode root;

  private GrafanaDashboard(JsonNode root) {
    this.root = root;
  }

  static GrafanaDashboard read(Path file) throws IOException {
    return new GrafanaDashboard(new ObjectMapper().readTree(file.toFile()));
  }

  JsonNode root() {
    return root;
  }

  /** Every panel that is not a row, including those nested in (collapsed) rows. */
  List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : root.path("panels")) {
      if ("row".equals(panel.path("type").asText())) {
        panel.path("panels").forEach(panels::add);
      } else {
        panels.add(panel);
      }
    }
    return panels;
  }

  List<JsonNode> variables() {
    List<JsonNode> variables = new ArrayList<>();
    root.path("templating").path("list").forEach(variables::add);
    return variables;
  }

  JsonNode variable(String name) {
    return variables().stream().filter(v -> name.equals(v.path("name").asText())).findFirst().orElse(null);
  }

  /** Every query the dashboard sends: each panel target's expr and each query variable's metric. */
  List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(new Query("panel " + panel.path("id").asInt() + " \"" + panel.path("title").asText() + "\" "
            + target.path("refId").asText(), target.path("expr").asText()));
      }
    }
    for (JsonNode variable : variables()) {
      if ("query".equals(variable.path("type").asText())) {
        queries.add(new Query("variable " + variable.path("name").asText(), variableSelector(variable)));
      }
    }
    return queries;
  }

  /** label_values(selector, label) sends the selector as a series query; that selector is the PromQL. */
  private static String variableSelector(JsonNode variable) {
    JsonNode query = variable.path("query");
    String text = query.isObject() ? query.path("query").asText() : query.asText();
    Matcher labelValues = LABEL_VALUES.matcher(text);
    return labelValues.matches() ? labelValues.group(1) : text;
  }

  /** The expression as Prometheus would receive it, with Grafana's variables filled in. */
  String substitute(String expr) {
    Matcher matcher = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1) != null ? matcher.group(1)
          : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
      String value = BUILT_INS.get(name);
      if (value == null && variable(name) != null) {
        value = DASHBOARD_VARIABLE_VALUE;
      }
      if (value == null) {
        throw new IllegalArgumentException("expression uses undefined variable $" + name + ": " + expr);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  record Query(String where, String expr) {
  }
}
