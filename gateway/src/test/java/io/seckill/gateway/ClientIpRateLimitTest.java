package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The per-IP limit keys on the real client: a real gateway (real Redis, PostgreSQL, Kafka) with a per-IP bucket of 2
 * (refilling 1/s), called through the unauthenticated 401 path so only the IP limit can answer 429. Each scenario
 * sends {@link #ROUND} requests: in one bucket at least one of them is 429; a fresh bucket never is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientIpRateLimitTest {
  private static final int ROUND = 6;
  private static final String PATH = "/api/v1/no-such-route";
  private static final Map<String, String> TIGHT_IP_LIMIT = Map.of("SECKILL_RATE_IP_PER_S", "1", "SECKILL_RATE_IP_BURST", "2");
  private GatewayHarness direct;
  private GatewayHarness behindProxy;
  private GatewayHarness proxyProtocol;

  @BeforeAll
  void start() {
    direct = new GatewayHarness(with(Map.of("SECKILL_BIND_HOST", "127.0.0.1")));
    behindProxy = new GatewayHarness(with(Map.of("SECKILL_TRUSTED_PROXIES", "127.0.0.1/32, ::1")));
    proxyProtocol = new GatewayHarness(with(Map.of("SECKILL_PROXY_PROTOCOL", "true")));
  }

  @AfterAll
  void stop() {
    for (GatewayHarness harness : new GatewayHarness[] {direct, behindProxy, proxyProtocol}) {
      if (harness != null) {
        harness.close();
      }
    }
  }

  private static Map<String, String> with(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(TIGHT_IP_LIMIT);
    env.putAll(extra);
    return env;
  }

  @Test
  void spoofedForwardingHeadersFromAnUntrustedPeerChangeNothingTheLimitTripsForAllOfThem() {
    List<Integer> statuses = round(i -> status(direct, i % 2 == 0
        ? new String[] {"X-Forwarded-For", "203.0.113." + i}
        : new String[] {"Forwarded", "for=\"[2001:db8:" + i + "::1]:4711\""}));

    // Six different claimed clients: were they believed, each would have had a fresh bucket of 2.
    assertThat(statuses).as("one bucket, the peer's").contains(429);
    assertThat(statuses).containsOnly(401, 429);
  }

  @Test
  void throughATrustedProxyTwoShoppersWithDifferentForwardedAddressesGetSeparateBuckets() {
    List<Integer> first = round(i -> status(behindProxy, "X-Forwarded-For", "1.1.1.1, 203.0.113.10"));
    int second = status(behindProxy, "X-Forwarded-For", "1.1.1.1, 203.0.113.11");
    List<Integer> forwardedFirst = round(i -> status(behindProxy, "Forwarded", "for=\"[2001:db8:5:6::" + (i + 1) + "]:4711\""));
    int forwardedOtherSlash64 = status(behindProxy, "Forwarded", "for=\"[2001:db8:5:7::1]:4711\"");

    assertThat(first).as("shopper 203.0.113.10 used up its own bucket").contains(429);
    assertThat(second).as("shopper 203.0.113.11 has a bucket of its own").isEqualTo(401);
    assertThat(forwardedFirst).as("addresses of one /64 share a bucket").contains(429);
    assertThat(forwardedOtherSlash64).as("another /64 is another shopper").isEqualTo(401);
  }

  @Test
  void proxyProtocolV1KeysTheLimitOnTheCarriedAddress() {
    List<Integer> first = round(i -> rawStatus(proxyProtocol, v1("TCP4", "198.51.100.1", "127.0.0.1")));
    int other = rawStatus(proxyProtocol, v1("TCP4", "198.51.100.2", "127.0.0.1"));
    List<Integer> v6 = round(i -> rawStatus(proxyProtocol, v1("TCP6", "2001:db8:1:2::" + (i + 1), "::1")));
    int v6Other = rawStatus(proxyProtocol, v1("TCP6", "2001:db8:1:3::1", "::1"));

    assertThat(first).contains(429).containsOnly(401, 429);
    assertThat(other).isEqualTo(401);
    assertThat(v6).as("one /64").contains(429);
    assertThat(v6Other).isEqualTo(401);
  }

  @Test
  void proxyProtocolV2KeysTheLimitOnTheCarriedAddress() {
    List<Integer> first = round(i -> rawStatus(proxyProtocol, v2(new byte[] {(byte) 198, 51, 100, 21})));
    int other = rawStatus(proxyProtocol, v2(new byte[] {(byte) 198, 51, 100, 22}));

    assertThat(first).contains(429).containsOnly(401, 429);
    assertThat(other).isEqualTo(401);
  }

  @Test
  void aServerStartedWithBindHost127001IsBoundThereOnly() throws IOException {
    int port = direct.service.httpPort();
    try (Socket ok = new Socket()) {
      ok.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
      assertThat(ok.isConnected()).isTrue();
    }
    // 127.0.0.2 is another local address: a server bound to every interface answers there (the control below).
    assertThatThrownBy(() -> {
      try (Socket refused = new Socket()) {
        refused.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port), 5000);
      }
    }).isInstanceOf(ConnectException.class);
    try (Socket everyInterface = new Socket()) {
      everyInterface.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), behindProxy.service.httpPort()), 5000);
      assertThat(everyInterface.isConnected()).as("the default, 0.0.0.0, listens on 127.0.0.2 too").isTrue();
    }
  }

  private static List<Integer> round(IntFunction<Integer> request) {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < ROUND; i++) {
      statuses.add(request.apply(i));
    }
    return statuses;
  }

  private static int status(GatewayHarness gateway, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url(PATH))).GET().timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return gateway.send(request.build()).statusCode();
  }

  private static byte[] v1(String family, String source, String destination) {
    return ("PROXY " + family + " " + source + " " + destination + " 40000 8080\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** PROXY protocol v2: signature, PROXY command, TCP over IPv4, source and destination addresses and ports. */
  private static byte[] v2(byte[] source) {
    ByteBuffer header = ByteBuffer.allocate(16 + 12);
    header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
    header.put(source).put(new byte[] {127, 0, 0, 1}).putShort((short) 40_000).putShort((short) 8080);
    return header.array();
  }

  /** One connection: the PROXY header, then an HTTP/1.1 request; the status code of the answer. */
  private static int rawStatus(GatewayHarness gateway, byte[] proxyHeader) {
    try (Socket socket = new Socket("127.0.0.1", gateway.service.httpPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(proxyHeader);
      out.write(("GET " + PATH + " HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 ");
      return Integer.parseInt(answer.substring(9, 12));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
