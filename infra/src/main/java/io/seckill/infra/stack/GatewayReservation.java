package io.seckill.infra.stack;

import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.redis.SeckillScripts;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * reserve.lua called as the gateway calls it, for tests that play the gateway's part (stock-service's
 * and the consumer's): one home for the script's key list, so a new key changes one place.
 */
public final class GatewayReservation {
  private GatewayReservation() {
  }

  /**
   * Reserves {@code quantity} for {@code userId} under {@code orderId} on an unsplit sale, without a
   * purchase token; the script's answer, whose first element is OK when admitted.
   */
  public static Response reserve(RedisAPI redis, long saleId, String orderId, String userId, int quantity,
                                 int statusTtlS, String requestId) {
    return SeckillScripts.RESERVE.run(redis,
        List.of(Bucket.root(saleId).stock(), Bucket.root(saleId).meta(), Bucket.root(saleId).buyers(), Bucket.root(saleId).pending(),
            Bucket.root(saleId).token("none"), RedisKeys.order(orderId), Bucket.root(saleId).spilled()),
        List.of(userId, orderId, Integer.toString(quantity), Integer.toString(statusTtlS), requestId)).await();
  }
}
