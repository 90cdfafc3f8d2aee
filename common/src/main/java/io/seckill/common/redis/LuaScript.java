package io.seckill.common.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One Lua script from {@code src/main/resources/lua/}, called by EVALSHA. The SHA-1 is computed
 * locally, so the first call needs no SCRIPT LOAD round trip; on NOSCRIPT (a restarted or failed
 * over Redis) the script is loaded and the call retried once.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  public static LuaScript load(String name) {
    String resource = "/lua/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Lua script " + resource + " is missing from the classpath");
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  public String name() {
    return name;
  }

  public String sha() {
    return sha;
  }

  public Future<Response> run(RedisAPI redis, List<String> keys, List<String> args) {
    List<String> call = new ArrayList<>(2 + keys.size() + args.size());
    call.add(sha);
    call.add(Integer.toString(keys.size()));
    call.addAll(keys);
    call.addAll(args);
    return redis.evalsha(call).recover(failure -> {
      String message = failure.getMessage();
      if (message != null && message.startsWith("NOSCRIPT")) {
        return redis.script(List.of("LOAD", source)).compose(loaded -> redis.evalsha(call));
      }
      return Future.failedFuture(failure);
    });
  }

  /** Loads the script up front (at start, and after a Redis restart is detected). */
  public Future<Void> preload(RedisAPI redis) {
    return redis.script(List.of("LOAD", source)).mapEmpty();
  }

  private static String sha1(String source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
