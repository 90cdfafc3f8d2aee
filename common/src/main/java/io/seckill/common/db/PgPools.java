package io.seckill.common.db;

import io.seckill.common.config.PgSettings;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the Vert.x PostgreSQL pool from the service's settings. */
public final class PgPools {
  private PgPools() {
  }

  public static Pool create(Vertx vertx, PgSettings settings, String name) {
    PgConnectOptions connect = PgConnectOptions.fromUri(settings.url())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    PoolOptions pool = new PoolOptions().setMaxSize(settings.poolSize()).setName(name).setShared(false)
        .setMaxWaitQueueSize(10_000);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
