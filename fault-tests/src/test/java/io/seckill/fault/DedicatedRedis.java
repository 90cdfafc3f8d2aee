package io.seckill.fault;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A redis-server of one scenario's own on a fixed port, without persistence, so it can be killed
 * and started again EMPTY on the same address — the shared Redis on 6379 is never touched.
 */
final class DedicatedRedis implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final Path log;
  private Process process;

  private DedicatedRedis(int port, Path dir, Path log) {
    this.port = port;
    this.dir = dir;
    this.log = log;
  }

  static DedicatedRedis start(int port, Path log) throws IOException {
    DedicatedRedis redis = new DedicatedRedis(port, Files.createTempDirectory("seckill-fault-redis-"), log);
    redis.startProcess();
    return redis;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** SIGKILL: everything in memory is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Starts again on the same port with nothing in it (no RDB, no AOF). */
  void startEmpty() throws IOException {
    startProcess();
  }

  /** SIGSTOP: the server freezes with its connections open, as a long fork or a stalled VM would. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: the frozen server carries on and answers what queued up meanwhile. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  /** FLUSHALL: every key of every sale gone at once (the loaded Lua scripts stay), as a failover to an empty replica. */
  void flushAll() {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      jedis.flushAll();
    }
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " of redis-server " + process.pid() + " failed");
    }
  }

  long keyCount() {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return jedis.dbSize();
    }
  }

  private void startProcess() throws IOException {
    process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    await("redis-server on port " + port).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().until(() -> {
          try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return "PONG".equals(jedis.ping());
          }
        });
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill9();
    }
  }
}
