package io.seckill.common.config;

import java.util.regex.Pattern;

/**
 * The local address every HTTP server of a service listens on. Read once from the environment by each service's
 * config record; {@code scripts/run-local.sh} sets it to 127.0.0.1 so a developer's dev-mode stack (which mints
 * tokens and simulates payments) is not reachable from the network.
 *
 * @param host SECKILL_BIND_HOST (0.0.0.0, every interface: what a container needs): an IPv4 or IPv6 literal
 *             ({@code 127.0.0.1}, {@code ::1}, {@code ::}) or a host name ({@code localhost})
 */
public record BindHost(String host) {
  public static final String VARIABLE = "SECKILL_BIND_HOST";
  public static final String ALL_INTERFACES = "0.0.0.0";
  // An IPv6 literal (two colons at least, so "host:port" is refused), or an IPv4 literal or DNS name; no brackets,
  // ports or spaces (Vert.x takes the host alone).
  private static final Pattern HOST = Pattern.compile(
      "(?=(?:[^:]*:){2})[0-9A-Fa-f:.]{2,45}|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

  public BindHost {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new ConfigException(VARIABLE, "must be an IP address or a host name without a port but was '" + host + "'");
    }
  }

  public static BindHost from(Env env) {
    return new BindHost(env.optional(VARIABLE, ALL_INTERFACES).trim());
  }

  @Override
  public String toString() {
    return "bindHost=" + host;
  }
}
