package io.seckill.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster of N primaries (no replicas) on free local ports, for tests: one
 * {@code redis-server --cluster-enabled yes} process per node in a temporary directory, joined by
 * {@code redis-cli --cluster create}. Ready when every node reports {@code cluster_state:ok};
 * {@link #close()} stops the processes and deletes the directory.
 */
public final class RedisClusterHarness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisClusterHarness.class);
  /** A node's cluster bus listens on its port + 10000. */
  private static final int BUS_OFFSET = 10_000;

  private final Path dir;
  private final List<Integer> ports;
  private final List<Process> processes;

  private RedisClusterHarness(Path dir, List<Integer> ports, List<Process> processes) {
    this.dir = dir;
    this.ports = ports;
    this.processes = processes;
  }

  /** Starts a 3-primary cluster. */
  public static RedisClusterHarness start() {
    return start(3);
  }

  public static RedisClusterHarness start(int primaries) {
    Path redisServer = require("redis-server");
    Path redisCli = require("redis-cli");
    Path dir;
    try {
      dir = Files.createTempDirectory("seckill-redis-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the Redis Cluster", e);
    }
    List<Integer> ports = new ArrayList<>();
    List<Process> processes = new ArrayList<>();
    RedisClusterHarness cluster = new RedisClusterHarness(dir, ports, processes);
    try {
      for (int i = 0; i < primaries; i++) {
        int port = freePortWithFreeBus(ports);
        ports.add(port);
        processes.add(new ProcessBuilder(List.of(redisServer.toString(), "--port", String.valueOf(port),
            "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
            "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no", "--dir", dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
            .start());
      }
      for (int port : ports) {
        RedisResolver.waitForPing(port, Duration.ofSeconds(10));
      }
      create(redisCli, ports, dir);
      cluster.awaitClusterOk(Duration.ofSeconds(20));
      LOG.info("Redis Cluster of {} primaries up on ports {} ({})", primaries, ports, dir);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw new IllegalStateException("could not start a Redis Cluster: " + e.getMessage(), e);
    }
  }

  /** redis://127.0.0.1:P of every node, in start order. */
  public List<String> nodeUrls() {
    return ports.stream().map(port -> "redis://127.0.0.1:" + port).toList();
  }

  /** The value for SECKILL_REDIS_URL with SECKILL_REDIS_MODE=cluster: every node, comma-separated. */
  public String url() {
    return String.join(",", nodeUrls());
  }

  public List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** The port of the primary that serves the key's slot, as the nodes themselves report it (CLUSTER NODES). */
  public int portOfKey(String key) {
    int slot = -1;
    for (int i = 0; i < ports.size() && slot < 0; i++) {
      if (processes.get(i).isAlive()) {
        try (Jedis jedis = new Jedis("127.0.0.1", ports.get(i))) {
          slot = (int) jedis.clusterKeySlot(key);
        }
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      if (processes.get(i).isAlive() && servesSlot(ports.get(i), slot)) {
        return ports.get(i);
      }
    }
    throw new IllegalStateException("no live node serves the slot " + slot + " of " + key);
  }

  /** Whether the node's own line of CLUSTER NODES lists a slot range containing the slot. */
  private static boolean servesSlot(int port, int slot) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      for (String line : jedis.clusterNodes().split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 3 || !fields[2].contains("myself")) {
          continue;
        }
        for (int f = 8; f < fields.length; f++) {
          if (fields[f].startsWith("[")) {
            continue; // a slot being migrated
          }
          String[] range = fields[f].split("-");
          int low = Integer.parseInt(range[0]);
          int high = range.length > 1 ? Integer.parseInt(range[1]) : low;
          if (slot >= low && slot <= high) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** Stops one node abruptly (SIGKILL), as a crashed machine would. */
  public void killNode(int port) {
    Process process = processes.get(ports.indexOf(port));
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("killed Redis Cluster node on port {}", port);
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }

  private static void create(Path redisCli, List<Integer> ports, Path dir) throws IOException {
    List<String> command = new ArrayList<>(List.of(redisCli.toString(), "--cluster", "create"));
    ports.forEach(port -> command.add("127.0.0.1:" + port));
    command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Path log = dir.resolve("cluster-create.log");
    Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean done = create.waitFor(30, TimeUnit.SECONDS);
      if (!done || create.exitValue() != 0) {
        create.destroyForcibly();
        throw new IllegalStateException("redis-cli --cluster create failed: "
            + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the Redis Cluster", e);
    }
  }

  private void awaitClusterOk(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int port : ports) {
      while (!clusterOk(port)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Redis Cluster node " + port + " did not reach cluster_state:ok within " + timeout);
        }
        Ports.pause(100);
      }
    }
  }

  private static boolean clusterOk(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return jedis.clusterInfo().contains("cluster_state:ok");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Path require(String binary) {
    Path path = RedisResolver.onPath(binary);
    if (path == null) {
      throw new IllegalStateException(binary + " is not on the PATH; the Redis Cluster tests need redis-server and "
          + "redis-cli (apt-get install redis-server, or brew install redis)");
    }
    return path;
  }

  /** A free port whose bus port (+10000) is free too and which no other node of this cluster took. */
  private static int freePortWithFreeBus(List<Integer> taken) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = Ports.freePort();
      if (!taken.contains(port) && !taken.contains(port + BUS_OFFSET) && !taken.contains(port - BUS_OFFSET)
          && bindable(port + BUS_OFFSET)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair (port, port + " + BUS_OFFSET + ") for a Redis Cluster node");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
