package io.seckill.gateway;

import io.seckill.common.auth.JwtSettings;
import io.seckill.common.config.BindHost;
import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.common.config.HttpTimeouts;
import io.seckill.common.config.ManagementSettings;
import io.seckill.common.config.PgSettings;
import io.seckill.common.config.RedisSettings;
import io.seckill.common.kafka.KafkaSettings;
import io.seckill.common.warmup.WarmUpSettings;
import io.seckill.gateway.clientip.TrustedProxies;
import io.seckill.gateway.dev.DevModeConfig;

/**
 * Everything the gateway reads from its environment, validated once at start.
 *
 * @param httpPort              SECKILL_HTTP_PORT (8080; 0 picks a free port): the shopper API
 * @param management            SECKILL_MANAGEMENT_PORT (9080; 0 picks a free port): /metrics and /health/*,
 *                              SECKILL_READINESS_CACHE_MS (1000), see {@link ManagementSettings}
 * @param eventLoops            SECKILL_EVENT_LOOPS (cores): event loops and HTTP verticle instances
 * @param jwt                   how shopper tokens are verified: SECKILL_JWT_SECRET (>= 32 chars, HS256) or
 *                              SECKILL_JWT_JWKS_URL (an identity provider), SECKILL_JWT_ISSUER, SECKILL_JWT_AUDIENCE,
 *                              SECKILL_JWT_LEEWAY_S (30), SECKILL_JWT_MAX_LIFETIME_S (3600), SECKILL_JWT_JWKS_REFRESH_S
 *                              (300), SECKILL_JWT_JWKS_MIN_REFRESH_MS (10000), SECKILL_JWT_JWKS_MAX_KEYS (32),
 *                              SECKILL_JWT_VERIFIED_CACHE_SIZE (100000); see
 *                              {@link JwtSettings}
 * @param cancelToken           SECKILL_CANCEL_TOKEN (>= 32 chars), bearer token for the stock-service cancel hand-off; stock-service
 *                              accepts it on that route only (the gateway never holds the operators' SECKILL_ADMIN_TOKEN)
 * @param stockServiceUrl       SECKILL_STOCK_SERVICE_URL (http://127.0.0.1:8081)
 * @param orderStatusTtlS       SECKILL_ORDER_STATUS_TTL_S (604800): TTL of the Redis order status hash
 * @param userRatePerS          SECKILL_RATE_USER_PER_S (5) refill of the per-user token bucket
 * @param userBurst             SECKILL_RATE_USER_BURST (10) capacity of the per-user bucket
 * @param ipRatePerS            SECKILL_RATE_IP_PER_S (500) refill of the per-client-IP bucket
 * @param ipBurst               SECKILL_RATE_IP_BURST (1000) capacity of the per-client-IP bucket
 * @param rateMaxKeys           SECKILL_RATE_MAX_KEYS (100000) buckets kept per scope before eviction
 * @param redisMaxInFlight      SECKILL_REDIS_MAX_IN_FLIGHT (2048) Redis calls in flight before a fast 503
 * @param redisTimeoutMs        SECKILL_REDIS_TIMEOUT_MS (1000) a Redis call slower than this answers 503
 * @param soldOutTtlMs          SECKILL_SOLD_OUT_TTL_MS (1000) safety-net expiry of the in-memory sold-out flag
 * @param metaCacheTtlMs        SECKILL_META_CACHE_TTL_MS (1000) in-memory sale meta cache
 * @param purchaseTokenTtlS     SECKILL_PURCHASE_TOKEN_TTL_S (120) life of a one-time purchase token
 * @param idempotencyTtlS       SECKILL_IDEMPOTENCY_TTL_S (86400 = 24 h) how long an Idempotency-Key answer is replayed
 * @param idempotencyLockTtlS   SECKILL_IDEMPOTENCY_LOCK_TTL_S (30) in-progress marker life (a crashed request frees its key)
 * @param bodyLimitBytes        SECKILL_BODY_LIMIT_BYTES (4096) larger bodies get 413
 * @param kafkaDeliveryTimeoutMs SECKILL_KAFKA_DELIVERY_TIMEOUT_MS (5000) bound on an order record's send
 * @param kafkaRequestTimeoutMs SECKILL_KAFKA_REQUEST_TIMEOUT_MS (3000)
 * @param kafkaMaxBlockMs       SECKILL_KAFKA_MAX_BLOCK_MS (1000) producer.send blocking bound (on the send thread, never an event loop)
 * @param testHaltAfterReserveEvery SECKILL_TEST_HALT_AFTER_RESERVE_EVERY (0 = off): exists only for the fault suite
 *                              (fault-tests); every Nth admitted reservation halts the process between Redis and Kafka
 * @param devMode               SECKILL_DEV_MODE (false) and the dev helpers' settings, see {@link DevModeConfig}
 * @param orderFenceTimeoutMs   SECKILL_ORDER_FENCE_TIMEOUT_MS (1000): bound on settling an ambiguous Kafka send in
 *                              PostgreSQL; past it the shopper hears 504 OUTCOME_UNKNOWN and the reconciler settles it
 * @param http                  SECKILL_REQUEST_TIMEOUT_MS (2000) every request is answered within this (503 UNAVAILABLE,
 *                              504 OUTCOME_UNKNOWN on purchase and cancel), SECKILL_HTTP_IDLE_TIMEOUT_S (60),
 *                              SECKILL_HTTP_READ_TIMEOUT_MS (10000), see {@link HttpTimeouts}; SECKILL_PG_QUERY_TIMEOUT_MS
 *                              defaults to the request timeout here
 * @param warmUp                SECKILL_WARMUP_REQUESTS (20000; 0 = off), SECKILL_WARMUP_MAX_MS (30000),
 *                              SECKILL_WARMUP_TOPIC (seckill.orders.warmup): the start-up warm-up, see {@link WarmUpTraffic}
 * @param kafkaLingerMs         SECKILL_KAFKA_LINGER_MS (1): linger.ms of the order producer: a longer
 *                              linger puts more records in each produce request (less broker CPU per order) at up to that much more latency per 202
 * @param challengeTtlS         SECKILL_CHALLENGE_TTL_S (600, 1..86400): life of a proof-of-work nonce; long enough to
 *                              be fetched during the countdown and solved before the sale opens
 * @param saleListCacheTtlMs    SECKILL_SALE_LIST_CACHE_TTL_MS (1000, 0..60000): in-memory cache of each distinct
 *                              {@code GET /api/v1/sales} query
 * @param bind                  SECKILL_BIND_HOST (0.0.0.0): the address the HTTP servers listen on, see {@link BindHost}
 * @param trustedProxies        SECKILL_TRUSTED_PROXIES (empty: trust nobody): comma-separated IPv4/IPv6 CIDRs whose
 *                              Forwarded / X-Forwarded-For headers name the client, see {@link TrustedProxies}
 * @param proxyProtocol         SECKILL_PROXY_PROTOCOL (false): the shopper port expects a PROXY protocol v1/v2 header
 *                              on every connection, and its address is the peer; only for a load balancer that sends it
 * @param kafkaDirectSend       SECKILL_KAFKA_DIRECT_SEND (false): hand order records to Kafka on the event loop through a
 *                              producer that never blocks, falling back to the send thread; off until a bench shows
 *                              it paying (docs/performance.md) (see {@link io.seckill.gateway.admission.OrderPublisher})
 */
public record GatewayConfig(int httpPort, int eventLoops, RedisSettings redis, PgSettings pg, KafkaSettings kafka,
                            JwtSettings jwt, String cancelToken, String stockServiceUrl, int orderStatusTtlS,
                            int userRatePerS, int userBurst, int ipRatePerS, int ipBurst, int rateMaxKeys,
                            int redisMaxInFlight, int redisTimeoutMs, int soldOutTtlMs, int metaCacheTtlMs,
                            int purchaseTokenTtlS, int idempotencyTtlS, int idempotencyLockTtlS, int bodyLimitBytes,
                            int kafkaDeliveryTimeoutMs, int kafkaRequestTimeoutMs, int kafkaMaxBlockMs,
                            int testHaltAfterReserveEvery, DevModeConfig devMode, int orderFenceTimeoutMs,
                            HttpTimeouts http, WarmUpSettings warmUp, int kafkaLingerMs, ManagementSettings management,
                            int challengeTtlS, int saleListCacheTtlMs, BindHost bind, TrustedProxies trustedProxies,
                            boolean proxyProtocol, boolean kafkaDirectSend) {

  public static GatewayConfig from(Env env) {
    int cores = Runtime.getRuntime().availableProcessors();
    int deliveryTimeout = KafkaSettings.deliveryTimeoutMs(env);
    int requestTimeout = env.integer("SECKILL_KAFKA_REQUEST_TIMEOUT_MS", Math.min(3000, deliveryTimeout - 10), 50, 120_000);
    if (requestTimeout >= deliveryTimeout) {
      throw new ConfigException("SECKILL_KAFKA_REQUEST_TIMEOUT_MS", "must be below SECKILL_KAFKA_DELIVERY_TIMEOUT_MS ("
          + deliveryTimeout + ") but was " + requestTimeout);
    }
    String stockServiceUrl = withoutTrailingSlash(env.urlOr("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:8081",
        "http", "https"));
    HttpTimeouts http = HttpTimeouts.from(env);
    DevModeConfig devMode = DevModeConfig.from(env, stockServiceUrl);
    return new GatewayConfig(
        env.port("SECKILL_HTTP_PORT", 8080),
        env.integer("SECKILL_EVENT_LOOPS", cores, 1, 256),
        RedisSettings.from(env),
        PgSettings.from(env, 4, http.requestTimeoutMs()),
        KafkaSettings.from(env),
        JwtSettings.from(env, devMode.enabled() ? devMode.tokenTtlS() : 0),
        env.secret("SECKILL_CANCEL_TOKEN", 32),
        stockServiceUrl,
        env.integer("SECKILL_ORDER_STATUS_TTL_S", 604_800, 60, 31_536_000),
        env.integer("SECKILL_RATE_USER_PER_S", 5, 1, 1_000_000),
        env.integer("SECKILL_RATE_USER_BURST", 10, 1, 1_000_000),
        env.integer("SECKILL_RATE_IP_PER_S", 500, 1, 10_000_000),
        env.integer("SECKILL_RATE_IP_BURST", 1000, 1, 10_000_000),
        env.integer("SECKILL_RATE_MAX_KEYS", 100_000, 100, 10_000_000),
        env.integer("SECKILL_REDIS_MAX_IN_FLIGHT", 2048, 1, 1_000_000),
        env.integer("SECKILL_REDIS_TIMEOUT_MS", 1000, 10, 60_000),
        env.integer("SECKILL_SOLD_OUT_TTL_MS", 1000, 0, 600_000),
        env.integer("SECKILL_META_CACHE_TTL_MS", 1000, 0, 600_000),
        env.integer("SECKILL_PURCHASE_TOKEN_TTL_S", 120, 5, 3600),
        env.integer("SECKILL_IDEMPOTENCY_TTL_S", 86_400, 60, 604_800),
        env.integer("SECKILL_IDEMPOTENCY_LOCK_TTL_S", 30, 1, 600),
        env.integer("SECKILL_BODY_LIMIT_BYTES", 4096, 64, 1_048_576),
        deliveryTimeout,
        requestTimeout,
        KafkaSettings.maxBlockMs(env),
        env.integer("SECKILL_TEST_HALT_AFTER_RESERVE_EVERY", 0, 0, 1_000_000),
        devMode,
        env.integer("SECKILL_ORDER_FENCE_TIMEOUT_MS", 1000, 50, 60_000),
        http,
        WarmUpSettings.from(env),
        env.integer("SECKILL_KAFKA_LINGER_MS", 1, 0, 1000),
        ManagementSettings.from(env, ManagementSettings.GATEWAY_PORT),
        env.integer("SECKILL_CHALLENGE_TTL_S", 600, 1, 86_400),
        env.integer("SECKILL_SALE_LIST_CACHE_TTL_MS", 1000, 0, 60_000),
        BindHost.from(env),
        TrustedProxies.parse(env.optional(TrustedProxies.VARIABLE, "")),
        env.bool("SECKILL_PROXY_PROTOCOL", false),
        env.bool("SECKILL_KAFKA_DIRECT_SEND", false));
  }

  /** Secrets stay out of logs. */
  @Override
  public String toString() {
    return "GatewayConfig[httpPort=" + httpPort + ", " + management + ", eventLoops=" + eventLoops + ", " + redis + ", " + pg + ", kafka="
        + kafka + ", " + jwt + ", stockServiceUrl=" + stockServiceUrl + ", redisMaxInFlight=" + redisMaxInFlight + ", " + http + ", " + bind + ", " + trustedProxies + ", proxyProtocol=" + proxyProtocol + ", kafkaDirectSend=" + kafkaDirectSend + ", " + warmUp + ", " + devMode
        + (testHaltAfterReserveEvery > 0 ? ", TEST HOOK haltAfterReserveEvery=" + testHaltAfterReserveEvery : "") + "]";
  }

  private static String withoutTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
