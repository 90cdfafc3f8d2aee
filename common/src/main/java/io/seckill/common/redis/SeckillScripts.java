package io.seckill.common.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;

/** The project's Lua scripts; each file documents its KEYS, ARGV and return value. */
public final class SeckillScripts {
  public static final LuaScript RESERVE = LuaScript.load("reserve");
  public static final LuaScript RELEASE = LuaScript.load("release");
  public static final LuaScript PERSISTED = LuaScript.load("persisted");
  public static final LuaScript RETURN = LuaScript.load("return");
  public static final LuaScript SPILL = LuaScript.load("spill");
  public static final LuaScript COMPARE_AND_DELETE = LuaScript.load("compare_and_delete");

  private SeckillScripts() {
  }

  public static Future<Void> preloadAll(RedisAPI redis) {
    return Future.all(List.of(RESERVE.preload(redis), RELEASE.preload(redis), PERSISTED.preload(redis),
        RETURN.preload(redis), SPILL.preload(redis), COMPARE_AND_DELETE.preload(redis))).mapEmpty();
  }
}
