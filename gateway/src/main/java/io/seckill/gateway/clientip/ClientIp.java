package io.seckill.gateway.clientip;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Who a request comes from, as the per-client-IP rate limit keys it.
 * <ol>
 *   <li>The peer: the TCP peer, or the address a PROXY protocol header carried (SECKILL_PROXY_PROTOCOL; Vert.x then
 *       reports that address as the request's remote address).</li>
 *   <li>Only when the peer is a trusted proxy ({@link TrustedProxies}) are forwarding headers read: {@code Forwarded}
 *       if present (it wins), else {@code X-Forwarded-For}. The chain is walked from the right, past every trusted
 *       address; the first untrusted one is the client. Anything left of it was written by the client itself and
 *       is never believed. If every hop is trusted, the left-most is the client.</li>
 *   <li>An {@code unknown} hop ends the walk at the last address reached (the proxy that could not tell); an
 *       obfuscated identifier ({@code _abc}) from a trusted hop is that client's key. A malformed header falls back
 *       to the peer.</li>
 * </ol>
 * Keys: an IPv4 address as itself, IPv4-mapped IPv6 as IPv4, other IPv6 by its /64, the block one subscriber
 * usually holds whole, so rotating addresses inside it gains nothing.
 */
public final class ClientIp {
  private final TrustedProxies trusted;

  public ClientIp(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** The rate-limit key of the client behind {@code request}. */
  public String key(HttpServerRequest request) {
    return key(request.remoteAddress(), request.headers());
  }

  /** The rate-limit key of a request from {@code remote} (the peer) with these headers. */
  public String key(SocketAddress remote, MultiMap headers) {
    if (trusted.isEmpty() && remote != null && remote.hostAddress() != null && remote.hostAddress().indexOf(':') < 0) {
      return remote.hostAddress(); // the hot path with no proxy: an IPv4 peer, already a literal, is its own key
    }
    InetAddress peer = remote == null ? null : IpLiteral.parse(remote.hostAddress());
    if (peer == null) {
      return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }
    if (trusted.isEmpty() || !trusted.contains(peer)) {
      return key(peer);
    }
    return fromChain(peer, headers);
  }

  private String fromChain(InetAddress peer, MultiMap headers) {
    List<String> forwarded = headers.getAll("Forwarded");
    List<ForwardedChain.Hop> chain;
    if (!forwarded.isEmpty()) {
      chain = ForwardedChain.forwarded(forwarded);
    } else {
      List<String> xff = headers.getAll("X-Forwarded-For");
      if (xff.isEmpty()) {
        return key(peer);
      }
      chain = ForwardedChain.xForwardedFor(xff);
    }
    if (chain == null) {
      return key(peer); // malformed: believe nothing in it
    }
    InetAddress reached = peer;
    for (int i = chain.size() - 1; i >= 0; i--) {
      ForwardedChain.Hop hop = chain.get(i);
      if (hop.obfuscated() != null) {
        return "obfuscated:" + hop.obfuscated();
      }
      if (hop.address() == null) {
        return key(reached);
      }
      reached = hop.address();
      if (!trusted.contains(reached)) {
        return key(reached);
      }
    }
    return key(reached);
  }

  /** IPv4 (and IPv4-mapped IPv6) per address; IPv6 per /64. */
  public static String key(InetAddress address) {
    InetAddress plain = IpLiteral.unmapped(address);
    if (!(plain instanceof Inet6Address)) {
      return plain.getHostAddress();
    }
    byte[] b = plain.getAddress();
    return Integer.toHexString((b[0] & 0xff) << 8 | (b[1] & 0xff)) + ":"
        + Integer.toHexString((b[2] & 0xff) << 8 | (b[3] & 0xff)) + ":"
        + Integer.toHexString((b[4] & 0xff) << 8 | (b[5] & 0xff)) + ":"
        + Integer.toHexString((b[6] & 0xff) << 8 | (b[7] & 0xff)) + "::/64";
  }
}
