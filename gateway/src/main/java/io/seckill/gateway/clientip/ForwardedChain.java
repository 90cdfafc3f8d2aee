package io.seckill.gateway.clientip;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client chain a proxy reports, left (the original client, as far as anyone claims) to right (the hop nearest the
 * gateway): from {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For}. Several header lines are one list, in order.
 * Parsing is strict: a value that breaks the grammar makes the whole chain malformed ({@code null}), and the caller
 * falls back to the TCP peer.
 */
public final class ForwardedChain {
  /** More hops than any real path has; a longer header is refused rather than walked. */
  static final int MAX_HOPS = 32;

  private ForwardedChain() {
  }

  /**
   * One hop's {@code for=} node: an address, an obfuscated identifier ({@code _abc}), or neither ({@code unknown}, or
   * an element with no {@code for=}).
   */
  public record Hop(InetAddress address, String obfuscated) {
    static final Hop UNKNOWN = new Hop(null, null);
  }

  /** The {@code for=} nodes of the Forwarded header lines, or null when any element is malformed. */
  public static List<Hop> forwarded(List<String> lines) {
    List<Hop> hops = new ArrayList<>();
    for (String line : lines) {
      if (!forwardedLine(line, hops) || hops.size() > MAX_HOPS) {
        return null;
      }
    }
    return hops.isEmpty() ? null : hops;
  }

  /** The addresses of the X-Forwarded-For header lines, or null when any entry is not an address. */
  public static List<Hop> xForwardedFor(List<String> lines) {
    List<Hop> hops = new ArrayList<>();
    for (String line : lines) {
      for (String raw : line.split(",", -1)) {
        InetAddress address = xffAddress(raw.trim());
        if (address == null || hops.size() == MAX_HOPS) {
          return null;
        }
        hops.add(new Hop(address, null));
      }
    }
    return hops.isEmpty() ? null : hops;
  }

  /** {@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code 2001:db8::1}, {@code [2001:db8::1]} or {@code [2001:db8::1]:80}. */
  private static InetAddress xffAddress(String text) {
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || !(close == text.length() - 1 || isPort(text, close + 1))) {
        return null;
      }
      return IpLiteral.parse(text.substring(1, close));
    }
    int colon = text.indexOf(':');
    if (colon >= 0 && colon == text.lastIndexOf(':')) {
      return isPort(text, colon) ? IpLiteral.parse(text.substring(0, colon)) : null;
    }
    return IpLiteral.parse(text);
  }

  private static boolean isPort(String text, int colon) {
    if (colon >= text.length() || text.charAt(colon) != ':') {
      return false;
    }
    String port = text.substring(colon + 1);
    return !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')
        && Integer.parseInt(port) <= 65_535;
  }

  // ---- RFC 7239 ----
  // Forwarded = 1#forwarded-element; forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
  // forwarded-pair = token "=" value; value = token / quoted-string

  private static boolean forwardedLine(String line, List<Hop> hops) {
    int i = 0;
    int n = line.length();
    boolean any = false;
    while (i <= n) {
      // one element
      Hop hop = Hop.UNKNOWN;
      boolean sawFor = false;
      boolean elementHasPair = false;
      while (true) {
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) != ',' && line.charAt(i) != ';') {
          int nameStart = i;
          while (i < n && isTchar(line.charAt(i))) {
            i++;
          }
          if (i == nameStart || i >= n || line.charAt(i) != '=') {
            return false;
          }
          String name = line.substring(nameStart, i);
          i++;
          StringBuilder value = new StringBuilder();
          if (i < n && line.charAt(i) == '"') {
            i++;
            boolean closed = false;
            while (i < n) {
              char c = line.charAt(i++);
              if (c == '\\') {
                if (i >= n) {
                  return false;
                }
                value.append(line.charAt(i++));
              } else if (c == '"') {
                closed = true;
                break;
              } else {
                value.append(c);
              }
            }
            if (!closed) {
              return false;
            }
          } else {
            int valueStart = i;
            while (i < n && isTchar(line.charAt(i))) {
              i++;
            }
            if (i == valueStart) {
              return false;
            }
            value.append(line, valueStart, i);
          }
          elementHasPair = true;
          if (name.equalsIgnoreCase("for")) {
            if (sawFor) {
              return false; // one for= per element
            }
            sawFor = true;
            hop = node(value.toString());
            if (hop == null) {
              return false;
            }
          }
          i = skipSpaces(line, i);
        }
        if (i < n && line.charAt(i) == ';') {
          i++;
          continue;
        }
        break;
      }
      if (i < n && line.charAt(i) != ',') {
        return false;
      }
      if (elementHasPair) {
        hops.add(hop);
        any = true;
      }
      i++; // past the comma, or past the end
    }
    return any;
  }

  /** node = nodename [ ":" node-port ]; nodename = IPv4 / "[" IPv6 "]" / "unknown" / obfnode. */
  private static Hop node(String value) {
    String name;
    String port = null;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        return null;
      }
      name = value.substring(0, close + 1);
      if (close + 1 < value.length()) {
        if (value.charAt(close + 1) != ':') {
          return null;
        }
        port = value.substring(close + 2);
      }
    } else {
      int colon = value.indexOf(':');
      name = colon < 0 ? value : value.substring(0, colon);
      port = colon < 0 ? null : value.substring(colon + 1);
    }
    if (port != null && !validPort(port)) {
      return null;
    }
    if (name.startsWith("[") && name.endsWith("]")) {
      InetAddress address = IpLiteral.parse(name.substring(1, name.length() - 1));
      return address != null && address.getAddress().length == 16 ? new Hop(address, null) : null;
    }
    if (name.equalsIgnoreCase("unknown")) {
      return Hop.UNKNOWN;
    }
    if (isObfuscated(name)) {
      return new Hop(null, name);
    }
    InetAddress address = IpLiteral.parse(name);
    // An IPv6 address must be bracketed (RFC 7239 section 6); a bare one is malformed.
    return address != null && name.indexOf(':') < 0 ? new Hop(address, null) : null;
  }

  private static boolean validPort(String port) {
    if (isObfuscated(port)) {
      return true;
    }
    return !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')
        && Integer.parseInt(port) <= 65_535;
  }

  /** obfnode / obfport = "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ). */
  private static boolean isObfuscated(String text) {
    if (text.length() < 2 || text.length() > 64 || text.charAt(0) != '_') {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** RFC 9110 tchar. */
  private static boolean isTchar(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
  }
}
