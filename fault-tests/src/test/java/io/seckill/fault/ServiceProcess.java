package io.seckill.fault;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service running as a separate JVM from its shaded jar ({@code java -jar <module>/target/seckill-<svc>.jar}),
 * so a crash is a real crash: SIGKILL, SIGSTOP/SIGCONT, or the process halting itself. Output goes to
 * {@code fault-tests/target/logs/<scenario>-<svc>.log} (appended across restarts).
 */
final class ServiceProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  enum Kind {
    GATEWAY("gateway", "seckill-gateway"),
    CONSUMER("order-consumer", "seckill-order-consumer"),
    STOCK("stock-service", "seckill-stock-service");

    final String module;
    final String jar;

    Kind(String module, String jar) {
      this.module = module;
      this.jar = jar;
    }
  }

  private final Kind kind;
  private final String label;
  private final int port;
  private final int managementPort;
  private final Path log;
  private final Process process;

  private ServiceProcess(Kind kind, String label, int port, int managementPort, Path log, Process process) {
    this.kind = kind;
    this.label = label;
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
    this.process = process;
  }

  /** Starts the jar with exactly {@code env} (no SECKILL_* variable of this JVM leaks in) and waits until it is ready. */
  static ServiceProcess start(Kind kind, String label, int port, Map<String, String> env, Path log) {
    Path jar = FaultPaths.jar(kind.module, kind.jar);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Small and quick to start: six of these share two cores with the broker and the buyers.
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("SECKILL_"));
    builder.environment().putAll(env);
    if (kind != Kind.CONSUMER) { // the consumer has no API port: its only server is the management one
      builder.environment().put("SECKILL_HTTP_PORT", Integer.toString(port));
    }
    // Readiness is on the management port; a port of its own so that several services share the host.
    int managementPort = io.seckill.infra.Ports.freePort();
    builder.environment().put("SECKILL_MANAGEMENT_PORT", Integer.toString(managementPort));
    try {
      Files.writeString(log, System.lineSeparator() + "==== fault suite: starting " + label + " on port " + port
          + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ServiceProcess started = new ServiceProcess(kind, label, port, managementPort, log, builder.start());
      started.awaitReady(Duration.ofSeconds(90));
      return started;
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + label + ": " + e.getMessage(), e);
    }
  }

  void awaitReady(Duration bound) {
    await(label + " ready on port " + port).atMost(bound).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(label + " exited with " + process.exitValue() + " before it was ready; see " + log);
          }
          return ready();
        });
  }

  boolean ready() {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
          .timeout(Duration.ofSeconds(3)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Kind kind() {
    return kind;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no flush, no offset commit. */
  void kill9() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGSTOP: the whole JVM freezes (heartbeat thread included), as a long GC pause or a frozen VM would. */
  void pause() {
    signal("STOP");
  }

  /** SIGCONT: the frozen JVM carries on where it stopped, unaware of the time that passed. */
  void resume() {
    signal("CONT");
  }

  /** SIGTERM and wait: the graceful stop (shutdown hook) of a process that is still alive. */
  void stop() {
    if (process.isAlive()) {
      resume(); // a frozen process cannot run its shutdown hook
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    waitForExit();
  }

  void waitForExit() {
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String name) {
    if (!process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + name + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + label, e);
    }
  }

  Path log() {
    return log;
  }

  @Override
  public String toString() {
    return label + "(pid " + process.pid() + ", port " + port + ")";
  }
}
