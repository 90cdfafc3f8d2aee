package io.seckill.gateway.clientip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.config.ConfigException;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIpTest {
  private static final ClientIp TRUSTING_LOCAL_PROXIES = new ClientIp(TrustedProxies.parse("127.0.0.1, 10.0.0.0/8, fd00::/8"));
  private static final SocketAddress PROXY = SocketAddress.inetSocketAddress(40_000, "127.0.0.1");
  private static final SocketAddress STRANGER = SocketAddress.inetSocketAddress(40_000, "192.0.2.9");

  private static String key(ClientIp clientIp, SocketAddress peer, String... headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return clientIp.key(peer, map);
  }

  private static InetAddress ip(String literal) {
    return IpLiteral.parse(literal);
  }

  private static List<String> hops(List<ForwardedChain.Hop> chain) {
    return chain.stream().map(h -> h.address() != null ? ClientIp.key(h.address())
        : h.obfuscated() != null ? h.obfuscated() : "unknown").collect(Collectors.toList());
  }

  // ---- keys ----

  @Test
  void twoIpv6AddressesInOneSlash64ShareAKeyAndDifferentSlash64sDoNot() {
    String a = ClientIp.key(ip("2001:db8:1:2::1"));
    String b = ClientIp.key(ip("2001:db8:1:2:ffff:ffff:ffff:fffe"));
    String c = ClientIp.key(ip("2001:db8:1:3::1"));

    assertThat(a).isEqualTo(b).isEqualTo("2001:db8:1:2::/64");
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void ipv4IsKeyedPerAddressAndIpv4MappedIpv6AsItsIpv4() {
    assertThat(ClientIp.key(ip("198.51.100.7"))).isEqualTo("198.51.100.7");
    assertThat(ClientIp.key(ip("198.51.100.8"))).isNotEqualTo(ClientIp.key(ip("198.51.100.7")));
    assertThat(ClientIp.key(ip("::ffff:198.51.100.7"))).isEqualTo("198.51.100.7");
    assertThat(new ClientIp(TrustedProxies.none()).key(SocketAddress.inetSocketAddress(1, "::ffff:198.51.100.7"),
        MultiMap.caseInsensitiveMultiMap())).isEqualTo("198.51.100.7");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "example.com", "localhost", "1.2.3.4 ",
      "[::1]", "::1%eth0", "1.2.3.04444", "::g"})
  void textThatIsNoAddressLiteralParsesToNothingWithoutAnyLookup(String text) {
    assertThat(IpLiteral.parse(text)).isNull();
  }

  // ---- trusted proxies ----

  @Test
  void trustedProxiesMatchIpv4AndIpv6CidrsAndBareAddresses() {
    TrustedProxies trusted = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,172.16.0.0/12");

    assertThat(trusted.contains(ip("10.255.0.1"))).isTrue();
    assertThat(trusted.contains(ip("11.0.0.1"))).isFalse();
    assertThat(trusted.contains(ip("192.168.1.7"))).isTrue();
    assertThat(trusted.contains(ip("192.168.1.8"))).isFalse();
    assertThat(trusted.contains(ip("172.31.255.255"))).isTrue();
    assertThat(trusted.contains(ip("172.32.0.0"))).isFalse();
    assertThat(trusted.contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(trusted.contains(ip("2001:db9::1"))).isFalse();
    assertThat(trusted.contains(ip("::ffff:10.1.2.3"))).as("IPv4-mapped matches the IPv4 range").isTrue();
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
    assertThat(TrustedProxies.none().contains(ip("127.0.0.1"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "2001:db8::/129", "proxy.internal", "10.0.0.0/-1",
      "10.0.0.0/8/8"})
  void aMalformedTrustedProxyEntryStopsTheStartNamingTheVariable(String entry) {
    assertThatThrownBy(() -> TrustedProxies.parse("127.0.0.1," + entry)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_TRUSTED_PROXIES");
  }

  // ---- Forwarded (RFC 7239) ----

  @Test
  void forwardedReadsSeveralElementsAndSeveralLinesInOrder() {
    List<ForwardedChain.Hop> chain = ForwardedChain.forwarded(List.of(
        "for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\";proto=https",
        "for=\"198.51.100.17:8080\";by=203.0.113.60;host=shop.example, For=unknown"));

    assertThat(hops(chain)).containsExactly("192.0.2.43", "2001:db8:cafe:0::/64", "198.51.100.17", "unknown");
  }

  @Test
  void forwardedKnowsObfuscatedIdentifiersQuotedPairsAndElementsWithoutFor() {
    List<ForwardedChain.Hop> chain = ForwardedChain.forwarded(List.of(
        "for=_hidden, for=\"_SEVKISEK:_port\", proto=http;by=10.0.0.1, for=\"10.1.2.3\""));

    assertThat(hops(chain)).containsExactly("_hidden", "_SEVKISEK", "unknown", "10.1.2.3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "for=", "for=[2001:db8::1]", "for=2001:db8::1", "for=\"2001:db8::1\"", "for=1.2.3.4:80",
      "for=\"1.2.3.4:99999\"", "for=\"[2001:db8::1]x\"", "for=\"1.2.3.4", "for=1.2.3.4;for=5.6.7.8", "for=1.2.3.4 x",
      "=1.2.3.4", "for=example.com", "for=\"1.2.3.4\";;by", "for=300.1.1.1"})
  void malformedForwardedValuesAreRefusedWhole(String header) {
    assertThat(ForwardedChain.forwarded(List.of(header))).isNull();
  }

  @Test
  void xForwardedForReadsAddressesWithOrWithoutPortsAcrossLines() {
    assertThat(hops(ForwardedChain.xForwardedFor(List.of("203.0.113.1, 198.51.100.2:443", "[2001:db8::1]:80,2001:db8::2"))))
        .containsExactly("203.0.113.1", "198.51.100.2", "2001:db8:0:0::/64", "2001:db8:0:0::/64");
    assertThat(ForwardedChain.xForwardedFor(List.of("203.0.113.1, evil"))).isNull();
    assertThat(ForwardedChain.xForwardedFor(List.of("203.0.113.1,,10.0.0.1"))).isNull();
    assertThat(ForwardedChain.xForwardedFor(List.of("203.0.113.1:0x50"))).isNull();
  }

  // ---- resolution ----

  @Test
  void anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
    assertThat(key(TRUSTING_LOCAL_PROXIES, STRANGER, "X-Forwarded-For", "203.0.113.1", "Forwarded", "for=203.0.113.2"))
        .isEqualTo("192.0.2.9");
    assertThat(key(new ClientIp(TrustedProxies.none()), PROXY, "X-Forwarded-For", "203.0.113.1")).isEqualTo("127.0.0.1");
  }

  @Test
  void throughTrustedProxiesTheRightMostUntrustedHopIsTheClientAndWhatTheClientWroteIsIgnored() {
    // The shopper 203.0.113.5 forged "1.1.1.1"; the trusted proxies 10.0.0.7 and 127.0.0.1 appended the rest.
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "X-Forwarded-For", "1.1.1.1, 203.0.113.5, 10.0.0.7"))
        .isEqualTo("203.0.113.5");
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "Forwarded", "for=1.1.1.1, for=\"[2001:db8:aa:bb::5]:1234\", for=10.0.0.7"))
        .isEqualTo("2001:db8:aa:bb::/64");
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "X-Forwarded-For", "10.0.0.3, 10.0.0.7")).as("all trusted: the left-most")
        .isEqualTo("10.0.0.3");
  }

  @Test
  void forwardedWinsOverXForwardedFor() {
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "X-Forwarded-For", "203.0.113.1", "Forwarded", "for=203.0.113.2"))
        .isEqualTo("203.0.113.2");
  }

  @Test
  void malformedOrAbsentHeadersFromATrustedProxyFallBackToThePeer() {
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY)).isEqualTo("127.0.0.1");
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "Forwarded", "for=[2001:db8::1]", "X-Forwarded-For", "203.0.113.1"))
        .isEqualTo("127.0.0.1");
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "X-Forwarded-For", "203.0.113.1, not-an-ip")).isEqualTo("127.0.0.1");
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "X-Forwarded-For", "x".repeat(5000))).isEqualTo("127.0.0.1");
  }

  @Test
  void anUnknownHopEndsTheWalkAtTheProxyThatReportedItAndAnObfuscatedOneIsItsOwnKey() {
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "Forwarded", "for=203.0.113.1, for=unknown, for=10.0.0.7"))
        .isEqualTo("10.0.0.7");
    assertThat(key(TRUSTING_LOCAL_PROXIES, PROXY, "Forwarded", "for=203.0.113.1, for=_abc"))
        .isEqualTo("obfuscated:_abc");
  }
}
