package io.seckill.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of a test's own (never the shared 6379), which the test can freeze with SIGSTOP and thaw with
 * SIGCONT: a dependency that stops answering without closing its connections.
 */
public final class StoppableRedis implements AutoCloseable {
  private final Process process;
  private final int port;

  public StoppableRedis() throws IOException {
    port = Ports.freePort();
    Path dir = Files.createTempDirectory("stoppable-redis");
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    RedisResolver.waitForPing(port, Duration.ofSeconds(10));
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  public void stop() {
    signal("STOP");
  }

  /** SIGCONT: it answers again, everything queued meanwhile first. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill -" + name + " exited " + exit);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    resume();
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
