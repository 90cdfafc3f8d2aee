package io.seckill.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seckill.common.metrics.SeckillMeter;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus series names each catalogue meter exposes, obtained the way the services obtain
 * them: registered in a real PrometheusMeterRegistry and scraped. That keeps the mapping (dots to
 * underscores, _total, _seconds, base units, _bucket/_count/_sum/_max) exactly Micrometer's.
 */
final class CatalogueMetricNames {
  private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
  static final Pattern SECKILL_NAME = Pattern.compile("\\bseckill_[a-z0-9_]+");

  private final Map<SeckillMeter, Set<String>> namesByMeter;

  private CatalogueMetricNames(Map<SeckillMeter, Set<String>> namesByMeter) {
    this.namesByMeter = namesByMeter;
  }

  static CatalogueMetricNames scrape() {
    Map<SeckillMeter, Set<String>> names = new EnumMap<>(SeckillMeter.class);
    for (SeckillMeter meter : SeckillMeter.values()) {
      names.put(meter, Collections.unmodifiableSet(seriesNames(meter)));
    }
    return new CatalogueMetricNames(names);
  }

  private static Set<String> seriesNames(SeckillMeter meter) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      String[] tagValues = meter.tagKeys().stream().map(key -> "x").toArray(String[]::new);
      switch (meter.type()) {
        case COUNTER -> meter.counter(registry, tagValues).increment();
        case TIMER -> meter.timer(registry, tagValues).record(java.time.Duration.ofMillis(3));
        case DISTRIBUTION -> meter.summary(registry, tagValues).record(5);
        // The catalogue has no gauge factory; services register gauges with the catalogue's base unit.
        case GAUGE -> Gauge.builder(meter.meterName(), () -> 1.0).description(meter.description())
            .baseUnit(meter.unit()).tags(meter.tags(tagValues)).register(registry);
      }
      Set<String> names = new TreeSet<>();
      for (String line : registry.scrape().split("\n")) {
        Matcher sample = SAMPLE_NAME.matcher(line);
        if (!line.startsWith("#") && sample.find()) {
          names.add(sample.group(1));
        }
      }
      return names;
    } finally {
      registry.close();
    }
  }

  Set<String> of(SeckillMeter meter) {
    return namesByMeter.get(meter);
  }

  Set<String> all() {
    Set<String> all = new TreeSet<>();
    namesByMeter.values().forEach(all::addAll);
    return all;
  }

  /** The meter that exposes a series name, or null when no catalogue meter does. */
  SeckillMeter meterOf(String seriesName) {
    return namesByMeter.entrySet().stream().filter(e -> e.getValue().contains(seriesName))
        .map(Map.Entry::getKey).findFirst().orElse(null);
  }

  /** Every seckill_* name mentioned in a text (an expression, a rules file, a dashboard). */
  static Set<String> mentionedIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = SECKILL_NAME.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }
}
