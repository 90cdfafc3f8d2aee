package io.seckill.stock;

import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells every gateway that stock came back to a sale, so each clears its in-memory sold-out flag. */
final class RestockPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(RestockPublisher.class);
  private final RedisAPI redis;

  RestockPublisher(RedisAPI redis) {
    this.redis = redis;
  }

  Future<Void> publish(long saleId) {
    // Fail open: a lost broadcast only keeps a gateway answering SOLD_OUT until its flag expires.
    return redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId)).<Void>mapEmpty().recover(failure -> {
      LOG.warn("could not broadcast the restock of sale {}: {}", saleId, failure.getMessage());
      return Future.succeededFuture();
    });
  }
}
