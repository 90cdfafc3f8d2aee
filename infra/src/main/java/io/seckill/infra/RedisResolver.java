package io.seckill.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a Redis in the order docs/architecture.md gives: the configured URL, else the standard local
 * port if it answers PING, else one we start ({@code redis-server} from the PATH, else the
 * embedded-redis binary).
 */
final class RedisResolver {
  private static final Logger LOG = LoggerFactory.getLogger(RedisResolver.class);

  private RedisResolver() {
  }

  static Resolved<String> resolve(String configuredUrl) {
    if (configuredUrl != null && !configuredUrl.isBlank()) {
      return Resolved.external(configuredUrl, "configured");
    }
    if (ping("127.0.0.1", 6379)) {
      return Resolved.external("redis://127.0.0.1:6379", "local port 6379");
    }
    int port = Ports.freePort();
    Path redisServer = onPath("redis-server");
    if (redisServer != null) {
      return startProcess(redisServer, port);
    }
    return startEmbedded(port);
  }

  private static Resolved<String> startProcess(Path binary, int port) {
    try {
      Path dir = Files.createTempDirectory("seckill-redis-");
      Process process = new ProcessBuilder(List.of(binary.toString(), "--port", String.valueOf(port),
          "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile())
          .start();
      waitForPing(port, Duration.ofSeconds(10));
      LOG.info("started redis-server pid {} on port {}", process.pid(), port);
      return Resolved.owned("redis://127.0.0.1:" + port, "redis-server on port " + port, () -> {
        process.destroy();
        process.waitFor();
      });
    } catch (IOException e) {
      throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
    }
  }

  private static Resolved<String> startEmbedded(int port) {
    try {
      redis.embedded.RedisServer server = new redis.embedded.RedisServer(port);
      server.start();
      waitForPing(port, Duration.ofSeconds(10));
      LOG.info("started embedded Redis on port {}", port);
      return Resolved.owned("redis://127.0.0.1:" + port, "embedded Redis on port " + port, server::stop);
    } catch (IOException e) {
      throw new IllegalStateException("could not start embedded Redis: " + e.getMessage(), e);
    }
  }

  static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static void waitForPing(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ping("127.0.0.1", port)) {
        return;
      }
      Ports.pause(50);
    }
    throw new IllegalStateException("Redis on port " + port + " did not answer PING within " + timeout);
  }

  static boolean ping(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 300);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return "+PONG".equals(line);
    } catch (IOException e) {
      return false;
    }
  }

  static int portOf(String url) {
    int port = URI.create(url).getPort();
    return port < 0 ? 6379 : port;
  }
}
