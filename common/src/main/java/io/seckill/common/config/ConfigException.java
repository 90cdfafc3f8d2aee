package io.seckill.common.config;

/** A missing or malformed environment variable; the message names it, and the service stops. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String variable, String problem) {
    super(variable + " " + problem);
  }
}
