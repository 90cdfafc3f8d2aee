package io.seckill.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.seckill.common.metrics.MeterType;
import io.seckill.common.metrics.SeckillMeter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard and the alerts may only name meters the SeckillMeter catalogue declares. */
class MetricNamesTest {
  private static final CatalogueMetricNames CATALOGUE = CatalogueMetricNames.scrape();
  /** Labels every series carries besides its own tags: the common tag and the scrape target's. */
  private static final Set<String> TARGET_LABELS = Set.of("service", "instance", "job");
  private static final Pattern SELECTOR = Pattern.compile("(seckill_[a-z0-9_]+)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER_LABEL = Pattern.compile("(\\w+)\\s*(?:=~|!~|!=|=)");
  /** Metric families from outside the catalogue (Kafka client, JVM, Vert.x, scrape) that share queries. */
  private static final Pattern OTHER_FAMILIES = Pattern.compile("\\b(?:kafka_|jvm_|vertx_|process_|up\\b)");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");

  @Test
  void catalogue_names_map_to_prometheus_names_the_way_micrometer_exposes_them() {
    assertThat(CATALOGUE.of(SeckillMeter.PURCHASE_ATTEMPTS)).containsExactly("seckill_purchase_attempts_total");
    assertThat(CATALOGUE.of(SeckillMeter.PURCHASE_DURATION)).containsExactlyInAnyOrder(
        "seckill_purchase_duration_seconds_bucket", "seckill_purchase_duration_seconds_count",
        "seckill_purchase_duration_seconds_sum", "seckill_purchase_duration_seconds_max");
    assertThat(CATALOGUE.of(SeckillMeter.CONSUMER_BATCH_SIZE)).contains("seckill_consumer_batch_size_records_bucket");
    assertThat(CATALOGUE.of(SeckillMeter.DLQ_RECORDS)).containsExactly("seckill_consumer_dlq_total");
    assertThat(CATALOGUE.of(SeckillMeter.STOCK_REMAINING)).containsExactly("seckill_stock_remaining_units");
    assertThat(CATALOGUE.of(SeckillMeter.STOCK_DRIFT)).containsExactly("seckill_stock_drift_units");
  }

  @Test
  void every_seckill_metric_the_dashboard_queries_is_declared_by_the_catalogue() throws Exception {
    Set<String> used = new TreeSet<>();
    for (String expr : dashboardExpressions().values()) {
      used.addAll(CatalogueMetricNames.mentionedIn(expr));
    }

    assertThat(used).as("seckill metrics on the dashboard").isNotEmpty();
    assertThat(CATALOGUE.all()).as("catalogue series names").containsAll(used);
  }

  @Test
  void every_seckill_metric_the_alert_rules_and_their_tests_use_is_declared_by_the_catalogue() throws Exception {
    Set<String> used = new TreeSet<>();
    alertExpressions().values().forEach(expr -> used.addAll(CatalogueMetricNames.mentionedIn(expr)));
    AlertRules.inputSeries(AlertRules.read(MonitoringFiles.alertRuleTests()))
        .forEach(series -> used.addAll(CatalogueMetricNames.mentionedIn(series)));

    assertThat(used).as("seckill metrics in the alerts").isNotEmpty();
    assertThat(CATALOGUE.all()).as("catalogue series names").containsAll(used);
  }

  @Test
  void queries_only_filter_and_group_seckill_metrics_by_labels_the_catalogue_declares() throws Exception {
    Map<String, String> expressions = new LinkedHashMap<>(dashboardExpressions());
    expressions.putAll(alertExpressions());
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> entry : expressions.entrySet()) {
      String expr = entry.getValue();
      Matcher selector = SELECTOR.matcher(expr);
      while (selector.find()) {
        SeckillMeter meter = CATALOGUE.meterOf(selector.group(1));
        if (meter != null) { // unknown names are the name tests' finding
          checkLabels(entry.getKey(), Set.of(meter), labelsIn(MATCHER_LABEL, selector.group(2)), problems);
        }
      }
      // Grouping labels can be attributed only when the whole expression reads one meter.
      Set<SeckillMeter> meters = new java.util.HashSet<>();
      CatalogueMetricNames.mentionedIn(expr).forEach(name -> meters.add(CATALOGUE.meterOf(name)));
      meters.remove(null);
      if (meters.size() == 1 && !OTHER_FAMILIES.matcher(expr).find()) {
        Matcher grouping = GROUPING.matcher(expr);
        while (grouping.find()) {
          checkLabels(entry.getKey(), meters, labelsIn(Pattern.compile("(\\w+)"), grouping.group(1)), problems);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void every_catalogue_meter_has_a_place_on_the_dashboard() throws Exception {
    Set<String> used = new TreeSet<>();
    dashboardExpressions().values().forEach(expr -> used.addAll(CatalogueMetricNames.mentionedIn(expr)));

    for (SeckillMeter meter : SeckillMeter.values()) {
      assertThat(CATALOGUE.of(meter)).as(meter + " (" + meter.meterName() + ") on the dashboard").containsAnyElementsOf(used);
    }
  }

  private static void checkLabels(String where, Set<SeckillMeter> meters, Set<String> labels, List<String> problems) {
    for (SeckillMeter meter : meters) {
      Set<String> allowed = new TreeSet<>(meter.tagKeys());
      allowed.addAll(TARGET_LABELS);
      if (meter.type() == MeterType.TIMER || meter.type() == MeterType.DISTRIBUTION) {
        allowed.add("le");
      }
      for (String label : labels) {
        if (!allowed.contains(label)) {
          problems.add(where + ": " + meter.meterName() + " has no label '" + label + "' (it has " + allowed + ")");
        }
      }
    }
  }

  private static Set<String> labelsIn(Pattern pattern, String text) {
    Set<String> labels = new TreeSet<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      labels.add(matcher.group(1));
    }
    return labels;
  }

  private static Map<String, String> dashboardExpressions() throws Exception {
    Map<String, String> expressions = new LinkedHashMap<>();
    for (GrafanaDashboard.Query query : GrafanaDashboard.read(MonitoringFiles.dashboard()).queries()) {
      expressions.put(query.where(), query.expr());
    }
    return expressions;
  }

  private static Map<String, String> alertExpressions() throws Exception {
    Map<String, String> expressions = new LinkedHashMap<>();
    for (JsonNode alert : AlertRules.alerts(AlertRules.read(MonitoringFiles.alertRules()))) {
      expressions.put("alert " + alert.path("alert").asText(), alert.path("expr").asText());
    }
    return expressions;
  }
}
