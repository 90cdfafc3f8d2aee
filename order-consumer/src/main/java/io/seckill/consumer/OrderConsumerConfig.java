package io.seckill.consumer;

import io.seckill.common.config.BindHost;
import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.common.config.HttpTimeouts;
import io.seckill.common.config.ManagementSettings;
import io.seckill.common.config.PgSettings;
import io.seckill.common.config.RedisSettings;
import io.seckill.common.kafka.KafkaSettings;
import io.seckill.common.warmup.WarmUpSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * The order consumer's configuration, read once from the environment. (Not Kafka's {@code ConsumerConfig}, whose
 * property names the poll loops' KafkaConsumer is built with.)
 *
 * @param groupId               Kafka consumer group; more instances in the same group share the partitions
 * @param threads               poll-loop threads, each with its own KafkaConsumer in the group
 * @param maxBatch              max.poll.records: orders persisted per PostgreSQL transaction at most
 * @param fetchMinBytes         fetch.min.bytes (SECKILL_CONSUMER_FETCH_MIN_BYTES, 32768, about 170 orders): the broker
 *                              answers a poll once it holds this much or fetchWaitMs has passed. Each batch costs a
 *                              transaction, a status script and an offset commit whatever its size, so waiting to fill
 *                              it cuts the consumer's and PostgreSQL's CPU per order (the consumer's by about a
 *                              quarter: docs/performance.md, Results, 2026-12-02 fourth session), for at most
 *                              fetchWaitMs more before an order is a row; a backlog fills every batch at once.
 *                              1: answer with whatever there is
 * @param fetchWaitMs           fetch.max.wait.ms (SECKILL_CONSUMER_FETCH_WAIT_MS, 100)
 * @param orderStatusTtlSeconds TTL of the Redis order status cache written after persistence
 * @param backoffMin            first retry delay when PostgreSQL (or Kafka for the DLQ) refuses
 * @param backoffMax            retry delay bound
 * @param dbTimeout             bound on one batch transaction; past it the batch counts as failed and is retried
 * @param maxPollIntervalMs     max.poll.interval.ms (SECKILL_CONSUMER_MAX_POLL_INTERVAL_MS, 300000): a loop stuck longer leaves the group
 * @param sessionTimeoutMs      session.timeout.ms (SECKILL_CONSUMER_SESSION_TIMEOUT_MS, 45000): a silent process loses its partitions
 * @param management            SECKILL_MANAGEMENT_PORT (9082; 0 picks a free port): the consumer's only HTTP server,
 *                              /metrics and /health/*; SECKILL_READINESS_CACHE_MS (1000), see {@link ManagementSettings}.
 *                              (SECKILL_HTTP_PORT is gone: the consumer serves no public API.)
 * @param http                  SECKILL_REQUEST_TIMEOUT_MS (2000) bound on a /metrics or /health answer,
 *                              SECKILL_HTTP_IDLE_TIMEOUT_S (60), SECKILL_HTTP_READ_TIMEOUT_MS (10000), see {@link HttpTimeouts}.
 *                              SECKILL_PG_QUERY_TIMEOUT_MS defaults here to SECKILL_CONSUMER_DB_TIMEOUT_MS (10000), not to
 *                              the request timeout: a batch's statements may legitimately take longer than a request
 * @param warmUp                SECKILL_WARMUP_REQUESTS (20000 synthetic orders; 0 = off), SECKILL_WARMUP_MAX_MS (30000):
 *                              the start-up warm-up before the poll loops join the group, see {@link ConsumerWarmUp}
 * @param warmUpSkipBacklog     SECKILL_CONSUMER_WARMUP_SKIP_BACKLOG (1000; 0 = never skip): when the group already has at
 *                              least this many orders queued at start (a consumer restarted during a sale), the warm-up
 *                              is skipped and the loops start at once: the backlog warms the JIT on real orders, which
 *                              must not wait behind synthetic ones
 * @param bind                  SECKILL_BIND_HOST (0.0.0.0): the address the HTTP server listens on, see {@link BindHost}
 */
public record OrderConsumerConfig(ManagementSettings management, RedisSettings redis, PgSettings pg, KafkaSettings kafka,
                                  String groupId, int threads, int maxBatch, int fetchMinBytes, int fetchWaitMs,
                                  int orderStatusTtlSeconds, Duration backoffMin, Duration backoffMax, Duration dbTimeout,
                                  int maxPollIntervalMs, int sessionTimeoutMs, HttpTimeouts http, WarmUpSettings warmUp,
                                  int warmUpSkipBacklog, BindHost bind) {
  public static final String DEFAULT_GROUP = "seckill-order-consumer";
  /** fetch.min.bytes of the poll loops: about 170 orders of the bench's size (190 bytes on the broker each). */
  public static final int DEFAULT_FETCH_MIN_BYTES = 32_768;
  /** Orders queued at start from which the warm-up is skipped: a few batches' worth, far above an idle sale's trickle. */
  public static final int DEFAULT_WARMUP_SKIP_BACKLOG = 1_000;

  public static OrderConsumerConfig from(Env env) {
    int threads = env.integer("SECKILL_CONSUMER_THREADS", 2, 1, 256);
    int backoffMinMs = env.integer("SECKILL_CONSUMER_BACKOFF_MIN_MS", 100, 1, 60_000);
    int backoffMaxMs = env.integer("SECKILL_CONSUMER_BACKOFF_MAX_MS", 5_000, 1, 600_000);
    if (backoffMaxMs < backoffMinMs) {
      throw new ConfigException("SECKILL_CONSUMER_BACKOFF_MAX_MS",
          "must be at least SECKILL_CONSUMER_BACKOFF_MIN_MS (" + backoffMinMs + ") but was " + backoffMaxMs);
    }
    int dbTimeoutMs = env.integer("SECKILL_CONSUMER_DB_TIMEOUT_MS", 10_000, 100, 300_000);
    return new OrderConsumerConfig(
        ManagementSettings.from(env, ManagementSettings.ORDER_CONSUMER_PORT),
        RedisSettings.from(env),
        // Each loop holds one connection per batch; two spare for readiness probes.
        PgSettings.from(env, threads + 2, dbTimeoutMs),
        KafkaSettings.from(env),
        env.optional("SECKILL_CONSUMER_GROUP", DEFAULT_GROUP),
        threads,
        env.integer("SECKILL_CONSUMER_MAX_BATCH", 500, 1, 10_000),
        env.integer("SECKILL_CONSUMER_FETCH_MIN_BYTES", DEFAULT_FETCH_MIN_BYTES, 1, 10_000_000),
        env.integer("SECKILL_CONSUMER_FETCH_WAIT_MS", 100, 0, 10_000),
        env.integer("SECKILL_ORDER_STATUS_TTL_S", 604_800, 60, 31_536_000),
        Duration.ofMillis(backoffMinMs),
        Duration.ofMillis(backoffMaxMs),
        Duration.ofMillis(dbTimeoutMs),
        env.integer("SECKILL_CONSUMER_MAX_POLL_INTERVAL_MS", 300_000, 1_000, 3_600_000),
        // The broker accepts 6 s to 30 min (group.min/max.session.timeout.ms defaults).
        env.integer("SECKILL_CONSUMER_SESSION_TIMEOUT_MS", 45_000, 6_000, 1_800_000),
        HttpTimeouts.from(env),
        WarmUpSettings.from(env),
        env.integer("SECKILL_CONSUMER_WARMUP_SKIP_BACKLOG", DEFAULT_WARMUP_SKIP_BACKLOG, 0, Integer.MAX_VALUE),
        BindHost.from(env));
  }

  /** The properties of a poll loop's KafkaConsumer ({@code clientId} names the loop), security settings included. */
  public Map<String, Object> kafkaConsumerProperties(String clientId) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, groupId,
        ConsumerConfig.CLIENT_ID_CONFIG, clientId,
        // Offsets move only after the PostgreSQL commit; a new group starts at the beginning, never skipping orders.
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch,
        ConsumerConfig.FETCH_MIN_BYTES_CONFIG, fetchMinBytes,
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMs,
        // Cooperative: a rebalance revokes only the partitions that move; the others keep flowing.
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    Map<String, Object> withTimeouts = kafka.clientProperties(props);
    // A member silent past session.timeout.ms, or a loop stuck past max.poll.interval.ms, loses its partitions.
    withTimeouts.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, maxPollIntervalMs);
    withTimeouts.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
    return withTimeouts;
  }
}
