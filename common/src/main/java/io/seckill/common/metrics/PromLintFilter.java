package io.seckill.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;

/**
 * Keeps every scrape clean under {@code promtool check metrics}: third-party meters whose names
 * carry a non-base unit (the Kafka clients' {@code *-time-ns-total}, {@code start-time-ms},
 * Micrometer's {@code process.cpu.time} in ns) or a gauge ending in {@code .count} would be
 * published under names Prometheus conventions reject. They are dropped, not renamed, because
 * renaming without rescaling the value would lie; none of them feeds a dashboard or an alert.
 */
public final class PromLintFilter implements MeterFilter {
  private static final Set<String> NON_BASE_UNITS = Set.of("ns", "us", "ms", "sec", "secs");

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    String name = id.getName();
    for (String token : name.split("[._-]")) {
      if (NON_BASE_UNITS.contains(token)) {
        return MeterFilterReply.DENY;
      }
    }
    if ("ns".equals(id.getBaseUnit()) || "ms".equals(id.getBaseUnit())) {
      return MeterFilterReply.DENY;
    }
    if (name.endsWith(".count") && id.getType() == Meter.Type.GAUGE) {
      return MeterFilterReply.DENY;
    }
    return MeterFilterReply.NEUTRAL;
  }
}
