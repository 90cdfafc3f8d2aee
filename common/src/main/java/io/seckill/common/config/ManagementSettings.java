package io.seckill.common.config;

/**
 * The management port of a service: {@code /metrics} and {@code /health/*}, apart from the shopper, operator and
 * payment traffic, so that a flood of probes or scrapes never shares a port (or a rate limit) with shoppers, and
 * NetworkPolicies can admit only the kubelet and Prometheus to it.
 *
 * @param port             SECKILL_MANAGEMENT_PORT (9080 gateway, 9081 stock-service, 9082 order-consumer; 0 picks a
 *                         free port): serves {@code /metrics}, {@code /health/live} and {@code /health/ready}
 * @param readinessCacheMs SECKILL_READINESS_CACHE_MS (1000; 0 = no reuse, concurrent probes still share one check):
 *                         how long a readiness verdict is reused after its check completed
 */
public record ManagementSettings(int port, int readinessCacheMs) {
  public static final int GATEWAY_PORT = 9080;
  public static final int STOCK_SERVICE_PORT = 9081;
  public static final int ORDER_CONSUMER_PORT = 9082;

  public static ManagementSettings from(Env env, int defaultPort) {
    return new ManagementSettings(
        env.port("SECKILL_MANAGEMENT_PORT", defaultPort),
        env.integer("SECKILL_READINESS_CACHE_MS", 1000, 0, 60_000));
  }
}
