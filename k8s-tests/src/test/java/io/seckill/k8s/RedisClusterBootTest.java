package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Boots what prod-cluster renders, on this machine: the rendered redis.conf (only port, dir,
 * nodes.conf path and bind changed) on six local redis-server processes started by the rendered
 * start.sh, joined by the rendered bootstrap.sh run with the Job's own arguments mapped to the local
 * ports. Needs redis-server and redis-cli on the PATH; ports below 32768; everything is stopped and
 * deleted afterwards.
 */
class RedisClusterBootTest {
  /** Locally every node is 127.0.0.1: the name each one announces, and the address start.sh resolves. */
  private static final String LOCAL_HOST = "127.0.0.1";
  /** An address nothing listens on (the nodes bind 127.0.0.1 only): where a node "was" before it moved. */
  private static final String STALE_HOST = "127.0.0.2";

  private static Manifests manifests;
  private static StatefulSet set;
  private static Container redis;
  private static Container bootstrap;

  @BeforeAll
  static void renderedClusterAndTools() {
    assumeTrue(onPath("redis-server") && onPath("redis-cli"),
        "redis-server/redis-cli are not on the PATH: skipping the local boot of the Redis Cluster configuration");
    manifests = Manifests.of(RedisClusterTest.OVERLAY);
    set = RedisClusterTest.clusterSet(manifests);
    redis = RedisClusterTest.redisContainer(set);
    bootstrap = Workload.named(manifests, "redis-cluster-bootstrap").pod().getContainers().get(0);
  }

  @Test
  void theJobsScriptMakesThreePrimariesWithAReplicaEachAndASecondRunChangesNothing() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(set.getSpec().getReplicas())) {
      Result first = cluster.bootstrap(60);
      assertThat(first.exitCode()).as("bootstrap.sh:\n%s", first.output()).isZero();
      assertThat(first.output()).contains("creating a cluster of 6 nodes");
      Map<String, String> topology = cluster.awaitHealthyTopology();

      Result second = cluster.bootstrap(60);
      assertThat(second.exitCode()).as("second bootstrap.sh:\n%s", second.output()).isZero();
      assertThat(second.output()).contains("nothing to do").doesNotContain("creating");
      assertThat(cluster.awaitHealthyTopology()).as("same nodes, same roles").isEqualTo(topology);
    }
  }

  @Test
  void aClusterWhoseNodesAllComeBackAtNewAddressesFindsItselfThroughStartSh() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(set.getSpec().getReplicas())) {
      assertThat(cluster.bootstrap(60).exitCode()).isZero();
      Map<String, String> topology = cluster.awaitHealthyTopology();

      // Every pod restarted at once: each nodes.conf now records addresses no peer is at any more.
      cluster.stopAll();
      cluster.rewriteRecordedAddresses(" " + LOCAL_HOST + ":", " " + STALE_HOST + ":");
      cluster.startAll();

      assertThat(cluster.awaitHealthyTopology()).as("the same cluster, reassembled").isEqualTo(topology);
      assertThat(cluster.log(0)).contains("is now at " + LOCAL_HOST + ", not " + STALE_HOST);
    }
  }

  @Test
  void aHalfMadeClusterIsLeftAloneAndTheJobFailsWithAdviceRatherThanCreateOverIt() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(set.getSpec().getReplicas())) {
      int first = cluster.ports.get(0);
      int second = cluster.ports.get(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> cli(first, "ping").contains("PONG"));
      // A create that stopped after giving the first primary its slots, before any node met another.
      assertThat(cli(first, "cluster", "addslotsrange", "0", "5460")).contains("OK");
      // With cluster-require-full-coverage no that lone node says ok: cluster_state alone would mislead.
      await().atMost(Duration.ofSeconds(20)).until(() -> cli(first, "cluster", "info").contains("cluster_state:ok"));

      Result result = cluster.bootstrap(3);

      assertThat(result.exitCode()).as("bootstrap.sh:\n%s", result.output()).isEqualTo(1);
      assertThat(result.output()).contains("Not creating over them", "redis-cli --cluster check")
          .doesNotContain("creating a cluster");
      assertThat(cli(second, "cluster", "info")).as("the other nodes are untouched")
          .contains("cluster_known_nodes:1", "cluster_slots_assigned:0");
    }
  }

  record Result(int exitCode, String output) {
  }

  /** Six nodes of the rendered configuration on free local ports, in a directory of their own. */
  private static final class LocalCluster implements AutoCloseable {
    private final Path dir;
    private final List<Integer> ports;
    private final List<Process> processes = new ArrayList<>();

    private LocalCluster(Path dir, List<Integer> ports) {
      this.dir = dir;
      this.ports = ports;
    }

    static LocalCluster start(int nodes) throws IOException {
      LocalCluster cluster = new LocalCluster(Files.createTempDirectory("seckill-k8s-redis-cluster-"), freePorts(nodes));
      try {
        Files.writeString(cluster.dir.resolve("start.sh"), RedisClusterTest.scriptOf(manifests,
            Workload.named(manifests, set.getMetadata().getName()), redis));
        Files.writeString(cluster.dir.resolve("bootstrap.sh"), RedisClusterTest.scriptOf(manifests,
            Workload.named(manifests, "redis-cluster-bootstrap"), bootstrap));
        String conf = manifests.one("ConfigMap", "redis-cluster-config").at("/data/redis.conf").asString();
        for (int i = 0; i < nodes; i++) {
          Path node = Files.createDirectories(cluster.dir.resolve("node-" + i));
          Files.writeString(node.resolve("redis.conf"), localConf(conf, cluster.ports.get(i), node));
        }
        cluster.startAll();
        return cluster;
      } catch (IOException | RuntimeException e) {
        cluster.close();
        throw e;
      }
    }

    /** The rendered file with only what must differ on one machine: port, directories, bind address. */
    private static String localConf(String rendered, int port, Path node) {
      String dataDir = rendered.lines().filter(l -> l.startsWith("dir ")).findFirst().orElseThrow().substring(4);
      String local = replaceLine(rendered, "port ", "port " + port);
      local = replaceLine(local, "dir ", "dir " + node);
      local = replaceLine(local, "bind ", "bind " + LOCAL_HOST);
      String nodesConf = local.lines().filter(l -> l.startsWith("cluster-config-file ")).findFirst().orElseThrow();
      assertThat(nodesConf).as("nodes.conf lives in the data directory").startsWith("cluster-config-file " + dataDir + "/");
      return replaceLine(local, "cluster-config-file ",
          "cluster-config-file " + node.resolve(nodesConf.substring(("cluster-config-file " + dataDir + "/").length())));
    }

    private static String replaceLine(String conf, String prefix, String line) {
      assertThat(conf.lines().filter(l -> l.startsWith(prefix)).count()).as("one '%s' line in redis.conf", prefix.strip())
          .isOne();
      return conf.lines().map(l -> l.startsWith(prefix) ? line : l).collect(Collectors.joining("\n", "", "\n"));
    }

    /** start.sh with the StatefulSet's own arguments, the announced name being this machine's. */
    void startAll() throws IOException {
      String announced = "$(POD_NAME)." + set.getSpec().getServiceName();
      List<String> args = redis.getArgs().stream().map(a -> a.equals(announced) ? LOCAL_HOST : a).toList();
      assertThat(args).as("the StatefulSet's args announce the pod's name").contains(LOCAL_HOST);
      processes.clear();
      for (int i = 0; i < ports.size(); i++) {
        Path node = dir.resolve("node-" + i);
        List<String> command = new ArrayList<>(List.of("sh", dir.resolve("start.sh").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(node.resolve("redis.log").toFile()));
        builder.environment().put("REDIS_CONF", node.resolve("redis.conf").toString());
        processes.add(builder.start());
      }
    }

    /** bootstrap.sh with the Job's environment and its arguments, each node name mapped to a local port. */
    Result bootstrap(int waitSeconds) throws IOException, InterruptedException {
      List<String> jobArgs = bootstrap.getArgs();
      assertThat(jobArgs).hasSameSizeAs(ports);
      List<String> command = new ArrayList<>(List.of("sh", dir.resolve("bootstrap.sh").toString()));
      for (int i = 0; i < jobArgs.size(); i++) {
        command.add(LOCAL_HOST + ":" + ports.get(i));
      }
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      for (EnvVar var : bootstrap.getEnv()) {
        builder.environment().put(var.getName(), var.getValue());
      }
      builder.environment().put("WAIT_SECONDS", String.valueOf(waitSeconds));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("bootstrap.sh finishes").isTrue();
      return new Result(process.exitValue(), output);
    }

    /**
     * Waits until every node reports cluster_state:ok, has a live link to every peer, and agrees on 3
     * primaries holding all 16384 slots, each with one replica; returns node id → "master" or
     * "replica of <id>". The links matter: a restarted node reports ok from its saved state until
     * cluster-node-timeout passes without word from its peers.
     */
    Map<String, String> awaitHealthyTopology() {
      List<Map<String, String>> seen = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        seen.clear();
        for (int port : ports) {
          assertThat(cli(port, "cluster", "info")).as("node %d", port).contains("cluster_state:ok");
          String nodes = cli(port, "cluster", "nodes");
          assertThat(nodes.strip().lines().map(l -> l.split(" ")).toList()).as("node %d sees:\n%s", port, nodes)
              .hasSize(ports.size()).allSatisfy(f -> {
                assertThat(f[2]).doesNotContain("fail").doesNotContain("handshake");
                assertThat(f[7]).isEqualTo("connected");
              });
          seen.add(topology(nodes));
        }
        Map<String, String> view = seen.get(0);
        assertThat(seen).as("every node sees the same roles").allSatisfy(v -> assertThat(v).isEqualTo(view));
        List<String> primaries = view.entrySet().stream().filter(e -> e.getValue().equals("master"))
            .map(Map.Entry::getKey).toList();
        assertThat(primaries).hasSize(3);
        assertThat(view.values().stream().filter(r -> r.startsWith("replica of ")).map(r -> r.substring(11)))
            .as("each primary has exactly one replica").containsExactlyInAnyOrderElementsOf(primaries);
        assertThat(cli(ports.get(0), "cluster", "info")).contains("cluster_slots_assigned:16384", "cluster_slots_ok:16384");
      });
      return seen.get(0);
    }

    private static Map<String, String> topology(String clusterNodes) {
      Map<String, String> roles = new TreeMap<>();
      for (String line : clusterNodes.split("\n")) {
        String[] f = line.strip().split(" ");
        if (f.length >= 8) {
          roles.put(f[0], f[2].contains("master") ? "master" : "replica of " + f[3]);
        }
      }
      return roles;
    }

    void stopAll() throws InterruptedException {
      for (Process process : processes) {
        process.destroy();
      }
      for (Process process : processes) {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }

    void rewriteRecordedAddresses(String from, String to) throws IOException {
      for (int i = 0; i < ports.size(); i++) {
        Path nodes = dir.resolve("node-" + i).resolve("nodes.conf");
        String before = Files.readString(nodes);
        assertThat(before).contains(from);
        Files.writeString(nodes, before.replace(from, to));
      }
    }

    String log(int node) throws IOException {
      return Files.readString(dir.resolve("node-" + node).resolve("redis.log"));
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
        throw new UncheckedIOException("could not delete " + dir, e);
      }
    }
  }

  private static String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", LOCAL_HOST, "-p", String.valueOf(port)));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Ports in 20000..22767 whose cluster bus port (+10000) is free too: all below 32768. */
  private static List<Integer> freePorts(int count) {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < count) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 22_768);
      if (!ports.contains(port) && free(port) && free(port + 10_000)) {
        ports.add(port);
      }
    }
    return ports;
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOCAL_HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }
}
