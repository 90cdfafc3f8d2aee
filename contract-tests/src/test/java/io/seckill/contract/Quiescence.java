package io.seckill.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.Bucket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import redis.clients.jedis.Jedis;

/** Waits until nothing is in flight: every reservation persisted (Kafka drained) and every stock return applied to Redis. */
final class Quiescence {
  private Quiescence() {
  }

  static void awaitPersisted(ContractSystem system, long... saleIds) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      try (Jedis redis = system.redis(); Connection db = system.db();
           ResultSet unapplied = db.createStatement().executeQuery("SELECT count(*) FROM stock_return WHERE NOT applied_to_redis")) {
        for (long saleId : saleIds) {
          assertThat(redis.zcard(Bucket.root(saleId).pending())).as("reservations of sale %d not yet persisted", saleId).isZero();
        }
        unapplied.next();
        assertThat(unapplied.getLong(1)).as("stock returns not yet applied to Redis").isZero();
      }
    });
  }
}
