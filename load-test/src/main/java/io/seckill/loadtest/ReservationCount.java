package io.seckill.loadtest;

import io.seckill.common.redis.RedisKeys;
import java.net.URI;
import redis.clients.jedis.Jedis;

/**
 * Prints how many shoppers Redis admitted in a sale (HLEN of its buyers hash): the number of orders
 * the drain waits for. It counts reservations whose 202 wrk never read (wrk stops at its deadline
 * with requests in flight), which the client-side acknowledged set cannot.
 *
 * <p>Usage: {@code ReservationCount <redis-url> <saleId>}
 */
public final class ReservationCount {
  private ReservationCount() {
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: ReservationCount <redis-url> <saleId>");
      System.exit(2);
    }
    try (Jedis redis = new Jedis(URI.create(args[0]))) {
      System.out.println(redis.hlen(RedisKeys.buyers(Long.parseLong(args[1]))));
    }
  }
}
