package io.seckill.gateway.clientip;

import io.seckill.common.config.ConfigException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose {@code Forwarded} / {@code X-Forwarded-For} headers the gateway believes: a list of CIDRs, IPv4 and
 * IPv6 (SECKILL_TRUSTED_PROXIES, comma-separated; a bare address is a /32 or /128). Empty trusts nobody: every
 * client is its TCP peer (or the address PROXY protocol carried). IPv4-mapped IPv6 addresses match the IPv4 ranges.
 */
public final class TrustedProxies {
  public static final String VARIABLE = "SECKILL_TRUSTED_PROXIES";
  private static final TrustedProxies NONE = new TrustedProxies(List.of(), "");
  private final List<Range> ranges;
  private final String text;

  private TrustedProxies(List<Range> ranges, String text) {
    this.ranges = ranges;
    this.text = text;
  }

  public static TrustedProxies none() {
    return NONE;
  }

  /** Parses the setting; a malformed entry throws {@link ConfigException} naming it. */
  public static TrustedProxies parse(String setting) {
    if (setting == null || setting.isBlank()) {
      return NONE;
    }
    List<Range> ranges = new ArrayList<>();
    for (String raw : setting.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      InetAddress base = IpLiteral.parse(slash < 0 ? entry : entry.substring(0, slash));
      if (base == null) {
        throw new ConfigException(VARIABLE, "'" + entry + "' is not an IPv4 or IPv6 address or CIDR");
      }
      base = IpLiteral.unmapped(base);
      int max = base.getAddress().length * 8;
      int bits = max;
      if (slash >= 0) {
        String prefix = entry.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)
            || Integer.parseInt(prefix) > max) {
          throw new ConfigException(VARIABLE, "'" + entry + "' has a prefix length outside 0.." + max);
        }
        bits = Integer.parseInt(prefix);
      }
      ranges.add(new Range(base.getAddress(), bits));
    }
    return new TrustedProxies(List.copyOf(ranges), String.join(",", setting.trim().split("\\s*,\\s*")));
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public boolean contains(InetAddress address) {
    if (address == null || ranges.isEmpty()) {
      return false;
    }
    byte[] bytes = IpLiteral.unmapped(address).getAddress();
    for (Range range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "trustedProxies=[" + text + "]";
  }

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }
}
