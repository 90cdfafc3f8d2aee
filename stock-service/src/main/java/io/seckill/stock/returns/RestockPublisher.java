package io.seckill.stock.returns;

import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells every gateway that stock came back to a sale, so each clears its in-memory sold-out flag. */
public final class RestockPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(RestockPublisher.class);
  private final RedisAPI redis;
  private final long timeoutMs;

  public RestockPublisher(RedisAPI redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  public Future<Void> publish(long saleId) {
    // Fail-open: a lost broadcast only keeps a gateway answering SOLD_OUT until its flag expires (bounded).
    return redis.publish(RedisKeys.RESTOCK_CHANNEL, Long.toString(saleId)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty().recover(failure -> {
      LOG.warn("could not broadcast the restock of sale {}: {}", saleId, failure.getMessage());
      return Future.succeededFuture();
    });
  }
}
