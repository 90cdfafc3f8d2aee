package io.seckill.gateway.clientip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals read from headers and settings, never resolved through DNS: a header value is attacker text,
 * and {@link InetAddress#getByName} would look up anything that is not a literal.
 */
public final class IpLiteral {
  private IpLiteral() {
  }

  /** The address {@code text} spells (dotted IPv4 or IPv6 without brackets or zone), or null if it spells none. */
  public static InetAddress parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return null;
    }
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    byte[] v4 = v4Bytes(text);
    if (v4 == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      return null; // unreachable: four bytes are always an address
    }
  }

  /** IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) becomes the IPv4 address; everything else is returned as is. */
  public static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      for (int i = 0; i < 10; i++) {
        if (b[i] != 0) {
          return address;
        }
      }
      if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          return address;
        }
      }
    }
    return address;
  }

  private static InetAddress parseV6(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return null;
      }
    }
    try {
      // With a ':' in it the JDK parses the text as an IPv6 literal and throws instead of asking DNS.
      InetAddress address = InetAddress.getByName(text);
      return address instanceof Inet6Address || address instanceof Inet4Address ? address : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] v4Bytes(String text) {
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || part > 3) {
          return null;
        }
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9' && digits < 3) {
        value = value * 10 + (c - '0');
        digits++;
        if (value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
