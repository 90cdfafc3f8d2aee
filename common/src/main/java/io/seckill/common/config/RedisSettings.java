package io.seckill.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a service talks to Redis.
 *
 * <p>Credentials: SECKILL_REDIS_URL may carry them ({@code redis://user:password@host:port}); SECKILL_REDIS_USERNAME
 * and SECKILL_REDIS_PASSWORD supply them separately, so Kubernetes can keep the URL in a ConfigMap and the password
 * in a Secret. A value in the URL and the same setting on its own is refused (two sources, one would silently win).
 * They are taken out of the URL here: {@link #url()} never holds a password, and the client applies {@link #user()}
 * and {@link #password()} to every connection, including the cluster nodes it discovers with CLUSTER SLOTS. In
 * cluster mode the seed URLs that carry credentials must carry the same ones (one ACL user for the whole cluster);
 * the others take them.
 *
 * @param url         redis[s]://host:port[/db] without credentials; in cluster mode a comma-separated list of seed nodes
 * @param mode        standalone (one Redis) or cluster (a Redis Cluster, commands routed by slot)
 * @param connections long-lived pipelined connections that carry the request path's commands
 * @param poolSize    pooled connections for callers that need a connection to themselves
 * @param maxWaiting  requests allowed to wait for a pooled connection before the pool rejects (fail fast)
 * @param user        the ACL user to AUTH as, or null (Redis's {@code default} user when a password is set)
 * @param password    the ACL user's password, or null for no AUTH
 */
public record RedisSettings(String url, Mode mode, int connections, int poolSize, int maxWaiting, String user,
                            String password) {
  private static final String URL = "SECKILL_REDIS_URL";
  private static final String USERNAME = "SECKILL_REDIS_USERNAME";
  private static final String PASSWORD = "SECKILL_REDIS_PASSWORD";

  /** SECKILL_REDIS_MODE. */
  public enum Mode { STANDALONE, CLUSTER }

  /** Without credentials: local runs and tests against a Redis with no ACL. */
  public RedisSettings(String url, Mode mode, int connections, int poolSize, int maxWaiting) {
    this(url, mode, connections, poolSize, maxWaiting, null, null);
  }

  public static RedisSettings from(Env env) {
    Mode mode = mode(env);
    List<Endpoint> endpoints = endpoints(env, mode);
    // Seeds without credentials take those of the seeds that have them; two different ones are refused.
    Endpoint first = endpoints.stream().filter(e -> e.user != null || e.password != null).findFirst()
        .orElse(endpoints.get(0));
    for (Endpoint e : endpoints) {
      if (e.user == null && e.password == null) {
        continue;
      }
      if (!java.util.Objects.equals(e.user, first.user) || !java.util.Objects.equals(e.password, first.password)) {
        throw new ConfigException(URL, "gives different credentials to different seed nodes; a cluster has one ACL "
            + "user for all of them");
      }
    }
    String user = either(USERNAME, env.optional(USERNAME, null), first.user, "user name");
    String password = either(PASSWORD, env.optional(PASSWORD, null), first.password, "password");
    if (user != null && password == null) {
      throw new ConfigException(USERNAME, "is set but no password is (SECKILL_REDIS_PASSWORD or the URL's user:password@)");
    }
    return new RedisSettings(
        String.join(",", endpoints.stream().map(e -> e.url).toList()),
        mode,
        env.integer("SECKILL_REDIS_CONNECTIONS", 4, 1, 256),
        env.integer("SECKILL_REDIS_POOL_SIZE", 8, 1, 1024),
        env.integer("SECKILL_REDIS_POOL_WAITING", 4096, 1, 1_000_000),
        user,
        password);
  }

  /** The URL, or each seed node of a cluster; never with credentials. */
  public List<String> urls() {
    return Arrays.stream(url.split(",")).map(String::trim).toList();
  }

  /** The same settings as another ACL user (tests that reach one Redis as several users). */
  public RedisSettings withCredentials(String user, String password) {
    return new RedisSettings(url, mode, connections, poolSize, maxWaiting, user, password);
  }

  private static String either(String name, String separate, String inUrl, String what) {
    if (separate != null && inUrl != null) {
      throw new ConfigException(name, "is set and SECKILL_REDIS_URL carries a " + what + " too; set it in one place");
    }
    return separate != null ? separate : inUrl;
  }

  private static Mode mode(Env env) {
    String mode = env.optional("SECKILL_REDIS_MODE", "standalone");
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "standalone" -> Mode.STANDALONE;
      case "cluster" -> Mode.CLUSTER;
      default -> throw new ConfigException("SECKILL_REDIS_MODE", "must be standalone or cluster but was '" + mode + "'");
    };
  }

  /** One seed URL split into its address and its (percent-decoded) credentials. */
  private record Endpoint(String url, String user, String password) {
  }

  /** Each comma-separated URL is checked on its own; several need cluster mode, and a cluster has only database 0. */
  private static List<Endpoint> endpoints(Env env, Mode mode) {
    String[] parts = env.required(URL).split(",");
    if (mode == Mode.STANDALONE && parts.length > 1) {
      throw new ConfigException(URL, "holds " + parts.length + " URLs; several seed nodes need SECKILL_REDIS_MODE=cluster");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (String part : parts) {
      if (part.isBlank()) {
        throw new ConfigException(URL, "has an empty entry in its comma-separated list");
      }
      String url = Env.of(Map.of(URL, part)).url(URL, "redis", "rediss");
      URI uri = URI.create(url);
      String path = uri.getPath();
      if (mode == Mode.CLUSTER && path != null && !path.isEmpty() && !path.equals("/") && !path.equals("/0")) {
        throw new ConfigException(URL, "names database " + path.substring(1) + " but a Redis Cluster has only database 0: '"
            + Env.redact(url) + "'");
      }
      endpoints.add(split(uri));
    }
    return endpoints;
  }

  private static Endpoint split(URI uri) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return new Endpoint(uri.toString(), null, null);
    }
    int colon = userInfo.indexOf(':');
    // redis://:password@host is the default user with a password; redis://user@host has no password (refused later).
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    try {
      URI bare = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getRawPath().isEmpty() ? null
          : uri.getPath(), uri.getQuery(), null);
      return new Endpoint(bare.toString(), user.isEmpty() ? null : user, password == null || password.isEmpty()
          ? null : password);
    } catch (URISyntaxException e) {
      throw new ConfigException(URL, "could not be rebuilt without its credentials: '" + Env.redact(uri.toString()) + "'");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisSettings[url=" + Env.redact(url) + ", mode=" + mode + ", connections=" + connections + ", poolSize=" + poolSize
        + ", maxWaiting=" + maxWaiting + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
  }
}
