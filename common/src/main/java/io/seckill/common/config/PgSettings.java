package io.seckill.common.config;

/**
 * How a service talks to PostgreSQL.
 *
 * @param url      postgresql://user[:password]@host:port/db
 * @param poolSize connections in the Vert.x pool
 */
public record PgSettings(String url, int poolSize) {
  public static PgSettings from(Env env, int defaultPoolSize) {
    return new PgSettings(env.url("SECKILL_PG_URL", "postgresql", "postgres"),
        env.integer("SECKILL_PG_POOL_SIZE", defaultPoolSize, 1, 256));
  }

  @Override
  public String toString() {
    return "PgSettings[url=" + Env.redact(url) + ", poolSize=" + poolSize + "]";
  }
}
