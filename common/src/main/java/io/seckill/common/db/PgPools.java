package io.seckill.common.db;

import io.seckill.common.config.PgSettings;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Vert.x PostgreSQL pool from the service's settings, with every query bounded
 * ({@link PgSettings#queryTimeoutMs()}, called Q below):
 * <ul>
 *   <li>server side, {@code statement_timeout} = Q: a live server cancels a statement that runs longer;</li>
 *   <li>client side, a connection that reads nothing for Q + {@value #SILENCE_GRACE_MS} ms is closed, failing its
 *       query: the only bound that holds when the server is stopped or the network drops packets, since then no
 *       error ever arrives (the grace lets a live server's statement_timeout error come first);</li>
 *   <li>waiting for a pooled connection (or for a new one to connect) is bounded by Q too.</li>
 * </ul>
 * The silence bound also counts time a connection spends idle in the pool, so the pool retires connections idle
 * for a quarter of it (checked every eighth): a connection handed out has at least about Q left for its query.
 */
public final class PgPools {
  static final int SILENCE_GRACE_MS = 1000;

  private PgPools() {
  }

  public static Pool create(Vertx vertx, PgSettings settings, String name) {
    int queryTimeoutMs = settings.queryTimeoutMs();
    int silenceMs = queryTimeoutMs + SILENCE_GRACE_MS;
    PgConnectOptions connect = PgConnectOptions.fromUri(settings.url())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    // A startup parameter: set once per connection, no extra round trip.
    connect.addProperty("statement_timeout", Integer.toString(queryTimeoutMs));
    NetClientOptions transport = new NetClientOptions()
        .setConnectTimeout(queryTimeoutMs)
        .setReadIdleTimeout(silenceMs)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    PoolOptions pool = new PoolOptions().setMaxSize(settings.poolSize()).setName(name).setShared(false)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(queryTimeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout(silenceMs / 4).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setPoolCleanerPeriod(Math.max(50, silenceMs / 8));
    return PgBuilder.pool().with(pool).with(transport).connectingTo(connect).using(vertx).build();
  }
}
