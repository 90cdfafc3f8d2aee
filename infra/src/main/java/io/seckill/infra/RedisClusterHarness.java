package io.seckill.infra;

import java.io.IOException;
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
 * Real Redis Cluster nodes as local processes, for tests: one process per node on free ports, each
 * with a directory of its own ({@link #nodeDir}, its log in {@code redis.log}) under one temporary
 * directory; {@link #close()} stops every process and deletes the directory. The one implementation
 * behind both users:
 * <ul>
 *   <li>{@link #start()}: N primaries (no replicas) of plain {@code redis-server --cluster-enabled yes},
 *       joined by {@code redis-cli --cluster create}, ready when every node reports cluster_state:ok
 *       (cluster-tests);
 *   <li>{@link #launch}: nodes started by a command the caller gives and left unjoined, so the caller
 *       can join them its own way (k8s-tests: the rendered start.sh, redis.conf and bootstrap.sh).
 * </ul>
 * Ports and their cluster bus ports (+10000) are both below 32768, outside the kernel's ephemeral
 * range, so no client socket can take a node's port between a restart and the next.
 */
public final class RedisClusterHarness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisClusterHarness.class);
  /** Every local node binds and announces this address. */
  public static final String LOCAL_HOST = RedisNodes.LOCAL_HOST;

  /** How to start one node: the process for the node on {@code port}, whose directory {@code nodeDir} exists. */
  @FunctionalInterface
  public interface NodeCommand {
    ProcessBuilder forNode(int port, Path nodeDir) throws IOException;
  }

  private final Path dir;
  private final List<Integer> ports;
  private final NodeCommand command;
  private final List<Process> processes = new ArrayList<>();

  private RedisClusterHarness(Path dir, List<Integer> ports, NodeCommand command) {
    this.dir = dir;
    this.ports = ports;
    this.command = command;
  }

  /** Starts a 3-primary cluster. */
  public static RedisClusterHarness start() {
    return start(3);
  }

  /** Starts {@code primaries} plain redis-server nodes and joins them into one cluster without replicas. */
  public static RedisClusterHarness start(int primaries) {
    Path redisServer = RedisNodes.require("redis-server");
    Path redisCli = RedisNodes.require("redis-cli");
    RedisClusterHarness cluster = null;
    try {
      cluster = launch(primaries, "seckill-redis-cluster-", (port, nodeDir) -> new ProcessBuilder(List.of(
          redisServer.toString(), "--port", String.valueOf(port), "--bind", LOCAL_HOST, "--cluster-enabled", "yes",
          "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000", "--save", "",
          "--appendonly", "no", "--dir", nodeDir.toString())));
      for (int port : cluster.ports) {
        RedisResolver.waitForPing(port, Duration.ofSeconds(10));
      }
      cluster.create(redisCli);
      cluster.awaitClusterOk(Duration.ofSeconds(20));
      LOG.info("Redis Cluster of {} primaries up on ports {} ({})", primaries, cluster.ports, cluster.dir);
      return cluster;
    } catch (IOException | RuntimeException e) {
      if (cluster != null) {
        cluster.close();
      }
      throw new IllegalStateException("could not start a Redis Cluster: " + e.getMessage(), e);
    }
  }

  /**
   * {@code nodes} processes started by {@code command}, not joined: the caller makes the cluster.
   * {@code command} may write files into the node's directory before returning its process.
   */
  public static RedisClusterHarness launch(int nodes, String dirPrefix, NodeCommand command) throws IOException {
    RedisClusterHarness cluster = new RedisClusterHarness(Files.createTempDirectory(dirPrefix), RedisNodes.freePorts(nodes), command);
    try {
      for (int i = 0; i < nodes; i++) {
        Files.createDirectories(cluster.nodeDir(i));
      }
      cluster.startAll();
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The temporary directory every node's directory is in: for files all nodes share (scripts). */
  public Path dir() {
    return dir;
  }

  /** The directory of the {@code i}-th node (in start order): its data, nodes.conf and redis.log. */
  public Path nodeDir(int i) {
    return dir.resolve("node-" + i);
  }

  /** redis://127.0.0.1:P of every node, in start order. */
  public List<String> nodeUrls() {
    return ports.stream().map(port -> "redis://" + LOCAL_HOST + ":" + port).toList();
  }

  /** The value for SECKILL_REDIS_URL with SECKILL_REDIS_MODE=cluster: every node, comma-separated. */
  public String url() {
    return String.join(",", nodeUrls());
  }

  public List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** (Re)starts every node's process with the node command; its output is appended to the node's redis.log. */
  public void startAll() throws IOException {
    processes.clear();
    for (int i = 0; i < ports.size(); i++) {
      processes.add(command.forNode(ports.get(i), nodeDir(i)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir(i).resolve("redis.log").toFile())).start());
    }
  }

  /** SIGTERM to every node (Redis saves nodes.conf and exits), as pods being stopped; SIGKILL after 10 s. */
  public void stopAll() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
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

  /** What the {@code i}-th node wrote to its redis.log so far. */
  public String log(int i) throws IOException {
    return Files.readString(nodeDir(i).resolve("redis.log"));
  }

  /** The port of the primary that serves the key's slot, as the nodes themselves report it (CLUSTER NODES). */
  public int portOfKey(String key) {
    int slot = -1;
    for (int i = 0; i < ports.size() && slot < 0; i++) {
      if (processes.get(i).isAlive()) {
        try (Jedis jedis = new Jedis(LOCAL_HOST, ports.get(i))) {
          slot = (int) jedis.clusterKeySlot(key);
        }
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      if (processes.get(i).isAlive() && RedisNodes.servesSlot(ports.get(i), slot)) {
        return ports.get(i);
      }
    }
    throw new IllegalStateException("no live node serves the slot " + slot + " of " + key);
  }

  @Override
  public void close() {
    try {
      stopAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      processes.forEach(Process::destroyForcibly);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }

  private void create(Path redisCli) throws IOException {
    List<String> command = new ArrayList<>(List.of(redisCli.toString(), "--cluster", "create"));
    ports.forEach(port -> command.add(LOCAL_HOST + ":" + port));
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
      while (!RedisNodes.clusterOk(port)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Redis Cluster node " + port + " did not reach cluster_state:ok within " + timeout);
        }
        Ports.pause(100);
      }
    }
  }

  /** redis-cli against one local node; its output, error replies included. */
  public static String cli(int port, String... args) {
    return RedisNodes.cli(port, args);
  }
}
