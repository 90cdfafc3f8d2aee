package io.seckill.common.config;

/**
 * How long an HTTP service waits, for every route (shopper, admin, payment callback, dev, health, metrics,
 * static files). Read once from the environment by each service's config record.
 *
 * @param requestTimeoutMs SECKILL_REQUEST_TIMEOUT_MS (2000): a request not answered by then gets 503 UNAVAILABLE, or
 *                         504 OUTCOME_UNKNOWN on the few routes whose effect may already have happened
 * @param idleTimeoutS     SECKILL_HTTP_IDLE_TIMEOUT_S (60): a connection with no traffic either way (a keep-alive
 *                         connection between requests, or a client that stopped sending) is closed
 * @param readTimeoutMs    SECKILL_HTTP_READ_TIMEOUT_MS (10000): a new connection whose first request head is not
 *                         complete by then is closed (slowloris)
 */
public record HttpTimeouts(int requestTimeoutMs, int idleTimeoutS, int readTimeoutMs) {
  public static HttpTimeouts from(Env env) {
    return new HttpTimeouts(
        env.integer("SECKILL_REQUEST_TIMEOUT_MS", 2000, 100, 120_000),
        env.integer("SECKILL_HTTP_IDLE_TIMEOUT_S", 60, 1, 3600),
        env.integer("SECKILL_HTTP_READ_TIMEOUT_MS", 10_000, 100, 600_000));
  }
}
