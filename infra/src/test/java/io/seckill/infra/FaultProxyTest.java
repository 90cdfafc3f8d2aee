package io.seckill.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each mode against a tiny echo server and against the real Redis on 127.0.0.1:6379. */
class FaultProxyTest {
  private static final int REDIS_PORT = 6379;
  private static final Duration SHORT_WAIT = Duration.ofMillis(500);

  private EchoServer echo;
  private FaultProxy toEcho;
  private FaultProxy toRedis;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void startProxies() throws IOException {
    echo = new EchoServer();
    toEcho = FaultProxy.start("echo", "127.0.0.1", echo.port());
    toRedis = FaultProxy.start("redis", "127.0.0.1", REDIS_PORT);
  }

  @AfterEach
  void stopEverything() throws IOException {
    for (Socket client : clients) {
      client.close();
    }
    toEcho.close();
    toRedis.close();
    echo.close();
  }

  @Test
  void passForwardsBothWaysToTheEchoServerAndToRedis() throws IOException {
    Socket client = connect(toEcho);
    send(client, "hello");
    assertThat(read(client, 5)).isEqualTo("hello");
    assertThat(ping(connect(toRedis))).isEqualTo("+PONG");
    assertThat(toEcho.mode()).isEqualTo("pass");
    assertThat(toEcho.connectionsAccepted()).isEqualTo(1);
    assertThat(toEcho.hostAndPort()).isEqualTo("127.0.0.1:" + toEcho.port());
  }

  @Test
  void delayDeliversEveryChunkBothWaysAtLeastThatLateInOrderOnAnOpenConnection() throws IOException {
    Socket client = connect(toEcho);
    send(client, "warm");
    assertThat(read(client, 4)).isEqualTo("warm");
    toEcho.delay(Duration.ofMillis(300));
    assertThat(toEcho.mode()).isEqualTo("delay 300ms");

    long start = System.nanoTime();
    send(client, "one");
    send(client, "two");
    send(client, "three");
    assertThat(read(client, 11)).isEqualTo("onetwothree");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));

    Socket redis = connect(toRedis);
    toRedis.delay(Duration.ofMillis(300));
    start = System.nanoTime();
    assertThat(ping(redis)).isEqualTo("+PONG");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
  }

  @Test
  void delayDoesNotMakeConnectionsWaitForEachOther() throws IOException {
    toEcho.delay(Duration.ofMillis(500));
    List<Socket> eight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      eight.add(connect(toEcho));
    }
    long start = System.nanoTime();
    for (Socket client : eight) {
      send(client, "x");
    }
    for (Socket client : eight) {
      assertThat(read(client, 1)).isEqualTo("x");
    }
    // Each round trip takes at least 1 s; one after the other, eight would take at least 8 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  @Test
  void holdResponsesLetsARedisSetTakeEffectWhileItsAnswerArrivesAfterTheClientTimedOut() throws IOException {
    String key = "seckill:test:fault-proxy:" + UUID.randomUUID();
    Socket client = connect(toRedis);
    assertThat(ping(client)).isEqualTo("+PONG");
    toRedis.holdResponses(Duration.ofSeconds(2));
    assertThat(toRedis.mode()).isEqualTo("holdResponses 2000ms");
    try {
      long start = System.nanoTime();
      client.setSoTimeout((int) SHORT_WAIT.toMillis());
      send(client, resp("SET", key, "applied"));
      assertThatThrownBy(() -> readLine(client)).isInstanceOf(SocketTimeoutException.class);

      await().atMost(Duration.ofSeconds(5)).until(() -> direct("GET", key), "applied"::equals);
      client.setSoTimeout(10_000);
      assertThat(readLine(client)).isEqualTo("+OK");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    } finally {
      direct("DEL", key);
    }
  }

  @Test
  void blackHoleLeavesRedisSilentUntilPassDeliversTheAnswer() throws IOException {
    Socket client = connect(toRedis);
    assertThat(ping(client)).isEqualTo("+PONG");
    toRedis.blackHole();
    assertThat(toRedis.mode()).isEqualTo("blackHole");

    client.setSoTimeout((int) SHORT_WAIT.toMillis());
    send(client, resp("PING"));
    assertThatThrownBy(() -> readLine(client)).isInstanceOf(SocketTimeoutException.class);
    toRedis.pass();
    client.setSoTimeout(10_000);
    assertThat(readLine(client)).isEqualTo("+PONG");
  }

  @Test
  void blackHoleBuffersWhatArrivesOnOpenAndNewConnectionsAndPassDeliversItInOrder() throws IOException {
    Socket open = connect(toEcho);
    send(open, "warm");
    assertThat(read(open, 4)).isEqualTo("warm");
    toEcho.blackHole();
    Socket opened = connect(toEcho);
    for (Socket client : List.of(open, opened)) {
      send(client, "one");
      send(client, "two");
      client.setSoTimeout((int) SHORT_WAIT.toMillis());
      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }
    toEcho.pass();
    for (Socket client : List.of(open, opened)) {
      client.setSoTimeout(10_000);
      assertThat(read(client, 6)).isEqualTo("onetwo");
    }
  }

  @Test
  void resetSendsRstOnOpenAndNewConnectionsUntilPass() throws IOException {
    Socket open = connect(toEcho);
    send(open, "warm");
    assertThat(read(open, 4)).isEqualTo("warm");
    Socket redis = connect(toRedis);
    assertThat(ping(redis)).isEqualTo("+PONG");

    toEcho.reset();
    toRedis.reset();
    assertThat(toEcho.mode()).isEqualTo("reset");
    assertThatThrownBy(() -> open.getInputStream().read()).isInstanceOf(SocketException.class)
        .hasMessageContaining("reset");
    assertThatThrownBy(() -> ping(redis)).isInstanceOf(SocketException.class);
    Socket refused = connect(toEcho);
    assertThatThrownBy(() -> refused.getInputStream().read()).isInstanceOf(SocketException.class)
        .hasMessageContaining("reset");

    toEcho.pass();
    Socket again = connect(toEcho);
    send(again, "back");
    assertThat(read(again, 4)).isEqualTo("back");
    assertThat(toEcho.connectionsAccepted()).isEqualTo(3);
  }

  @Test
  void closeFreesThePortEndsOpenConnectionsAndLeavesNoThreads() throws IOException {
    FaultProxy proxy = FaultProxy.start("closing", "127.0.0.1", echo.port());
    Socket client = connect(proxy);
    send(client, "hi");
    assertThat(read(client, 2)).isEqualTo("hi");

    proxy.close();
    proxy.close();
    assertThat(client.getInputStream().read()).isEqualTo(-1);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("fault-proxy-closing-"));
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), proxy.port()));
      assertThat(again.getLocalPort()).isEqualTo(proxy.port());
    }
  }

  private Socket connect(FaultProxy proxy) throws IOException {
    Socket socket = new Socket("127.0.0.1", proxy.port());
    socket.setSoTimeout(10_000);
    clients.add(socket);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String read(Socket socket, int bytes) throws IOException {
    byte[] read = socket.getInputStream().readNBytes(bytes);
    assertThat(read).as("bytes before end of stream").hasSize(bytes);
    return new String(read, StandardCharsets.UTF_8);
  }

  /** One RESP line without its CRLF. */
  private static String readLine(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("end of stream after '" + line + "'");
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8).stripTrailing();
  }

  private static String ping(Socket socket) throws IOException {
    send(socket, resp("PING"));
    return readLine(socket);
  }

  private static String resp(String... command) {
    StringBuilder out = new StringBuilder("*").append(command.length).append("\r\n");
    for (String arg : command) {
      out.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    return out.toString();
  }

  /** A command straight to Redis, not through a proxy: the value of a bulk reply, else the reply line. */
  private static String direct(String... command) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", REDIS_PORT)) {
      socket.setSoTimeout(5_000);
      send(socket, resp(command));
      String reply = readLine(socket);
      return reply.startsWith("$") && !reply.equals("$-1") ? readLine(socket) : reply;
    }
  }

  /** Echoes every byte back on each connection, one thread a connection. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    private final List<Socket> accepted = new ArrayList<>();

    EchoServer() throws IOException {
      daemon(this::acceptLoop, "echo-accept");
    }

    int port() {
      return listener.getLocalPort();
    }

    private void acceptLoop() {
      try {
        while (true) {
          Socket socket = listener.accept();
          synchronized (accepted) {
            accepted.add(socket);
          }
          daemon(() -> {
            try (socket) {
              socket.getInputStream().transferTo(socket.getOutputStream());
            } catch (IOException closed) {
              // the test is done with it
            }
          }, "echo-" + socket.getPort());
        }
      } catch (IOException closed) {
        // listener closed
      }
    }

    private static void daemon(Runnable task, String name) {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      synchronized (accepted) {
        for (Socket socket : accepted) {
          socket.close();
        }
      }
    }
  }
}
