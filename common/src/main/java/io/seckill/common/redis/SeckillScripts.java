package io.seckill.common.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;

/** Every Lua script of the project (src/main/resources/lua); each file documents its KEYS, ARGV and return value. */
public final class SeckillScripts {
  public static final LuaScript RESERVE = LuaScript.load("reserve");
  public static final LuaScript RELEASE = LuaScript.load("release");
  public static final LuaScript PERSISTED = LuaScript.load("persisted");
  public static final LuaScript RETURN = LuaScript.load("return");
  public static final LuaScript SPILL = LuaScript.load("spill");
  public static final LuaScript COMPARE_AND_DELETE = LuaScript.load("compare_and_delete");
  /** stock-service's warm-up: rebuilds one bucket of a sale from a PostgreSQL snapshot. */
  public static final LuaScript WARMUP = LuaScript.load("warmup");
  /** stock-service's reconciler: a compare-and-set of a bucket's stock, refused while anything is in flight. */
  public static final LuaScript SET_STOCK_IF_UNCHANGED = LuaScript.load("reconcile_stock");
  /** stock-service's reconciler: the cached userId and quantity of a chunk of a bucket's pending orders. */
  public static final LuaScript PENDING_ORDERS = LuaScript.load("pending_orders");
  /** stock-service's operator controls: a sale's pause and effective end into a bucket's meta. */
  public static final LuaScript SALE_CONTROL = LuaScript.load("sale_control");
  /** stock-service's operator controls: a shopper into (or out of) a bucket's blocked set. */
  public static final LuaScript BLOCKLIST = LuaScript.load("blocklist");

  private SeckillScripts() {
  }

  public static Future<Void> preloadAll(RedisAPI redis) {
    return Future.all(List.of(RESERVE.preload(redis), RELEASE.preload(redis), PERSISTED.preload(redis),
        RETURN.preload(redis), SPILL.preload(redis), COMPARE_AND_DELETE.preload(redis), WARMUP.preload(redis),
        SET_STOCK_IF_UNCHANGED.preload(redis), PENDING_ORDERS.preload(redis), SALE_CONTROL.preload(redis),
        BLOCKLIST.preload(redis))).mapEmpty();
  }
}
