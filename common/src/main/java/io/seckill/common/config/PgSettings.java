package io.seckill.common.config;

/**
 * How a service talks to PostgreSQL.
 *
 * @param url            postgresql://user[:password]@host:port/db
 * @param poolSize       connections in the Vert.x pool
 * @param queryTimeoutMs SECKILL_PG_QUERY_TIMEOUT_MS (the service's default): the server's {@code statement_timeout},
 *                       the wait for a pooled connection, and (plus a second) how long a connection may stay silent
 *                       before the client closes it, which is what fails a query on a stalled server
 */
public record PgSettings(String url, int poolSize, int queryTimeoutMs) {
  /** The query bound of a service that serves requests: SECKILL_REQUEST_TIMEOUT_MS's default. */
  public static final int DEFAULT_QUERY_TIMEOUT_MS = 2000;

  public static PgSettings from(Env env, int defaultPoolSize) {
    return from(env, defaultPoolSize, DEFAULT_QUERY_TIMEOUT_MS);
  }

  public static PgSettings from(Env env, int defaultPoolSize, int defaultQueryTimeoutMs) {
    return new PgSettings(env.url("SECKILL_PG_URL", "postgresql", "postgres"),
        env.integer("SECKILL_PG_POOL_SIZE", defaultPoolSize, 1, 256),
        env.integer("SECKILL_PG_QUERY_TIMEOUT_MS", defaultQueryTimeoutMs, 100, 600_000));
  }

  @Override
  public String toString() {
    return "PgSettings[url=" + Env.redact(url) + ", poolSize=" + poolSize + ", queryTimeoutMs=" + queryTimeoutMs + "]";
  }
}
