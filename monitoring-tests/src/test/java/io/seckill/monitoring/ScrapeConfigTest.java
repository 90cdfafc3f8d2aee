package io.seckill.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapeConfigTest {

  @Test
  void local_scrape_config_passes_promtool_check_config_including_its_rule_files() throws Exception {
    Promtool promtool = Promtool.require();

    Promtool.Result result = promtool.run(MonitoringFiles.localScrapeConfig().getParent(), "check", "config",
        MonitoringFiles.localScrapeConfig().getFileName().toString());

    assertThat(result.succeeded()).as("promtool check config:\n%s", result.output()).isTrue();
    assertThat(result.output()).contains("seckill-alerts.yml");
  }

  @Test
  void local_scrape_config_scrapes_each_service_on_its_management_port_at_metrics() throws Exception {
    JsonNode config = AlertRules.read(MonitoringFiles.localScrapeConfig());
    Map<String, String> targetByJob = new HashMap<>();
    for (JsonNode job : config.path("scrape_configs")) {
      assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
      for (JsonNode target : job.path("static_configs").findValue("targets")) {
        targetByJob.put(job.path("job_name").asText(), target.asText());
      }
    }

    // The availability alerts select these job names; the services' own `service` label says the same.
    assertThat(targetByJob).containsExactlyInAnyOrderEntriesOf(Map.of(
        "gateway", "127.0.0.1:9080", "stock-service", "127.0.0.1:9081", "order-consumer", "127.0.0.1:9082"));
  }
}
