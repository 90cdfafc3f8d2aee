package io.seckill.common.config;

import java.net.URI;
import java.util.Map;

/**
 * Reads environment variables once, validating each and naming it in the error. Services build
 * their immutable config records from it in {@code Main}; nothing else reads the environment.
 */
public final class Env {
  private final Map<String, String> vars;

  private Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env of(Map<String, String> vars) {
    return new Env(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public String required(String name) {
    String value = raw(name);
    if (value == null) {
      throw new ConfigException(name, "is required but not set");
    }
    return value;
  }

  public String optional(String name, String fallback) {
    String value = raw(name);
    return value == null ? fallback : value;
  }

  /** A secret: required, and long enough that it cannot be guessed. Never echoed in errors. */
  public String secret(String name, int minLength) {
    String value = required(name);
    if (value.length() < minLength) {
      throw new ConfigException(name, "must be at least " + minLength + " characters long");
    }
    return value;
  }

  public int integer(String name, int fallback, int min, int max) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new ConfigException(name, "must be between " + min + " and " + max + " but was " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "must be an integer but was '" + value + "'");
    }
  }

  public int port(String name, int fallback) {
    return integer(name, fallback, 0, 65535);
  }

  public boolean bool(String name, boolean fallback) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new ConfigException(name, "must be true or false but was '" + value + "'");
    };
  }

  /** A URL whose scheme is one of the given ones, e.g. redis/rediss or postgresql/postgres. */
  public String url(String name, String... schemes) {
    return checkedUrl(name, required(name), schemes);
  }

  /** {@link #url(String, String...)} of an optional variable, {@code fallback} when it is unset. */
  public String urlOr(String name, String fallback, String... schemes) {
    return checkedUrl(name, optional(name, fallback), schemes);
  }

  private static String checkedUrl(String name, String value, String... schemes) {
    try {
      URI uri = URI.create(value);
      for (String scheme : schemes) {
        if (scheme.equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
          return value;
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw new ConfigException(name, "must be a URL like " + schemes[0] + "://host:port but was '" + redact(value) + "'");
  }

  /** host:port[,host:port...] */
  public String hostPorts(String name) {
    String value = required(name);
    for (String part : value.split(",")) {
      int colon = part.lastIndexOf(':');
      boolean ok = colon > 0 && colon < part.length() - 1 && part.substring(colon + 1).chars().allMatch(Character::isDigit);
      if (!ok) {
        throw new ConfigException(name, "must be host:port[,host:port] but was '" + value + "'");
      }
    }
    return value;
  }

  private String raw(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * Hides a password in a URL (or a comma-separated list of URLs) before it reaches an error message or a log.
   * Up to the last {@code @} of each entry: a password may itself hold {@code @}, {@code /} or spaces when it was
   * not percent-encoded, and hiding too much is the safe side.
   */
  public static String redact(String url) {
    return url.replaceAll("//([^:/@,]*):[^,]*@", "//$1:***@");
  }
}
