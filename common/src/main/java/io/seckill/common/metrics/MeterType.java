package io.seckill.common.metrics;

public enum MeterType {
  COUNTER, TIMER, GAUGE, DISTRIBUTION
}
