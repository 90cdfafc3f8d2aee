package io.seckill.stock;

import io.seckill.common.config.BindHost;
import io.seckill.common.config.Env;
import io.seckill.common.config.HttpTimeouts;
import io.seckill.common.config.ManagementSettings;
import io.seckill.common.config.PgSettings;
import io.seckill.common.config.RedisSettings;
import io.seckill.common.kafka.KafkaSettings;
import io.seckill.stock.payment.PaymentQueryConfig;

/**
 * Everything stock-service reads from the environment, validated once at start.
 *
 * @param httpPort            SECKILL_HTTP_PORT (8081; 0 picks a free port): the operator API and the payment callback
 * @param adminToken          SECKILL_ADMIN_TOKEN (required, >= 32 chars): operators' bearer token, good on every /admin route
 * @param cancelToken         SECKILL_CANCEL_TOKEN (required, >= 32 chars, not the admin token): the gateway's bearer token,
 *                            good only on the shopper-cancel hand-off, POST /admin/v1/orders/{orderId}/cancel
 * @param paymentSecret       HMAC key of the payment provider's callbacks
 * @param consumerGroup       the order consumer's group; its lag tells whether an order can still be on its way
 * @param sweepIntervalMs     how often timed-out orders are cancelled and unapplied returns retried
 * @param reconcileIntervalMs how often Redis is compared with PostgreSQL
 * @param orphanAfterMs       age after which an in-flight reservation with no DB row and no Kafka lag is an orphan;
 *                            must exceed the gateways' order record lifetime (2 x SECKILL_KAFKA_MAX_BLOCK_MS +
 *                            SECKILL_KAFKA_DELIVERY_TIMEOUT_MS, read here with the gateway's defaults), else an
 *                            order still being acknowledged could be settled as an orphan
 * @param orderStatusTtlS     TTL of the Redis order status cache
 * @param redisTimeoutMs      SECKILL_REDIS_TIMEOUT_MS (1000): bound on a Redis call made while a request waits
 * @param http                SECKILL_REQUEST_TIMEOUT_MS (2000) every request is answered within this (503 UNAVAILABLE,
 *                            504 OUTCOME_UNKNOWN on the payment callback), SECKILL_HTTP_IDLE_TIMEOUT_S (60),
 *                            SECKILL_HTTP_READ_TIMEOUT_MS (10000), see {@link HttpTimeouts}; SECKILL_PG_QUERY_TIMEOUT_MS
 *                            defaults to the request timeout here
 * @param management          SECKILL_MANAGEMENT_PORT (9081; 0 picks a free port): /metrics and /health/*,
 *                            SECKILL_READINESS_CACHE_MS (1000), see {@link ManagementSettings}
 * @param paymentQuery        SECKILL_PAYMENT_PROVIDER and the SECKILL_PAYMENT_QUERY_* / SECKILL_PAYMENT_PROVIDER_*
 *                            variables: whether and how the provider is asked before a timeout cancel, see
 *                            {@link PaymentQueryConfig}
 * @param bind                SECKILL_BIND_HOST (0.0.0.0): the address the HTTP server listens on, see {@link BindHost}
 */
public record StockConfig(RedisSettings redis, PgSettings pg, KafkaSettings kafka, int httpPort, String adminToken,
                          String cancelToken,
                          String paymentSecret, String consumerGroup, int sweepIntervalMs, int reconcileIntervalMs,
                          int orphanAfterMs, int orderStatusTtlS, int redisTimeoutMs, HttpTimeouts http,
                          ManagementSettings management, PaymentQueryConfig paymentQuery, BindHost bind) {
  public static final int SECRET_MIN_LENGTH = 32;

  public static StockConfig from(Env env) {
    HttpTimeouts http = HttpTimeouts.from(env);
    int orphanAfterMs = env.integer("SECKILL_ORPHAN_AFTER_MS", 30_000, 0, 86_400_000);
    int recordLifetimeMs = KafkaSettings.orderRecordLifetimeMs(env);
    if (orphanAfterMs <= recordLifetimeMs) {
      throw new io.seckill.common.config.ConfigException("SECKILL_ORPHAN_AFTER_MS", "must exceed a gateway's order record"
          + " lifetime, 2 x SECKILL_KAFKA_MAX_BLOCK_MS + SECKILL_KAFKA_DELIVERY_TIMEOUT_MS = " + recordLifetimeMs
          + " ms, but was " + orphanAfterMs);
    }
    String adminToken = env.secret("SECKILL_ADMIN_TOKEN", SECRET_MIN_LENGTH);
    String cancelToken = env.secret("SECKILL_CANCEL_TOKEN", SECRET_MIN_LENGTH);
    if (adminToken.equals(cancelToken)) {
      // The same value would give the gateway every admin route again.
      throw new io.seckill.common.config.ConfigException("SECKILL_CANCEL_TOKEN", "must differ from SECKILL_ADMIN_TOKEN");
    }
    return new StockConfig(
        RedisSettings.from(env),
        PgSettings.from(env, 16, http.requestTimeoutMs()),
        KafkaSettings.from(env),
        env.port("SECKILL_HTTP_PORT", 8081),
        adminToken,
        cancelToken,
        env.secret("SECKILL_PAYMENT_SECRET", SECRET_MIN_LENGTH),
        env.optional("SECKILL_CONSUMER_GROUP", "seckill-order-consumer"),
        env.integer("SECKILL_SWEEP_INTERVAL_MS", 1000, 10, 3_600_000),
        env.integer("SECKILL_RECONCILE_INTERVAL_MS", 5000, 10, 3_600_000),
        orphanAfterMs,
        env.integer("SECKILL_ORDER_STATUS_TTL_S", 604_800, 60, 31_536_000),
        env.integer("SECKILL_REDIS_TIMEOUT_MS", 1000, 10, 60_000),
        http,
        ManagementSettings.from(env, ManagementSettings.STOCK_SERVICE_PORT),
        PaymentQueryConfig.from(env),
        BindHost.from(env));
  }

  @Override
  public String toString() {
    return "StockConfig[" + redis + ", " + pg + ", " + kafka + ", httpPort=" + httpPort + ", " + management + ", consumerGroup=" + consumerGroup
        + ", sweepIntervalMs=" + sweepIntervalMs + ", reconcileIntervalMs=" + reconcileIntervalMs
        + ", orphanAfterMs=" + orphanAfterMs + ", orderStatusTtlS=" + orderStatusTtlS + ", redisTimeoutMs=" + redisTimeoutMs
        + ", " + http + ", " + paymentQuery + ", " + bind + ", secrets=***]";
  }
}
