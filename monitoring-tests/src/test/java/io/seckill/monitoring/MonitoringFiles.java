package io.seckill.monitoring;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the monitoring artefacts live, found from wherever Maven runs the tests. */
final class MonitoringFiles {
  private MonitoringFiles() {
  }

  /** The repository root: the first directory, walking up from the working directory, holding monitoring/. */
  static Path repoRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("monitoring"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no directory containing monitoring/ above " + start);
  }

  static Path dashboard() {
    return repoRoot().resolve("monitoring/grafana/seckill-dashboard.json");
  }

  static Path alertRules() {
    return repoRoot().resolve("monitoring/prometheus/seckill-alerts.yml");
  }

  static Path alertRuleTests() {
    return repoRoot().resolve("monitoring/prometheus/seckill-alerts.test.yml");
  }

  static Path localScrapeConfig() {
    return repoRoot().resolve("monitoring/prometheus/prometheus-local.yml");
  }
}
