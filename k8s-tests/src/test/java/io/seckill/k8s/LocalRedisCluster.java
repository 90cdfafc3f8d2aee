package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.infra.RedisClusterHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Redis Cluster nodes of one rendered configuration as local processes, on infra's
 * {@link RedisClusterHarness} (free ports below 32768, a directory per node): each node gets the
 * rendered redis.conf with only what must differ on one machine changed (port, directories, bind
 * address) and is started by the rendered start.sh; {@link #bootstrap} runs the rendered bootstrap.sh
 * against them. {@link #close()} stops every process and deletes the directory.
 */
final class LocalRedisCluster implements AutoCloseable {
  /** Every local node binds and announces this address. */
  static final String LOCAL_HOST = RedisClusterHarness.LOCAL_HOST;

  private final RedisClusterHarness cluster;
  private final Map<String, String> bootstrapEnv;

  private LocalRedisCluster(RedisClusterHarness cluster, Map<String, String> bootstrapEnv) {
    this.cluster = cluster;
    this.bootstrapEnv = bootstrapEnv;
  }

  /**
   * @param nodeArgs     the arguments start.sh gets on every node (the StatefulSet's, mapped to this machine)
   * @param bootstrapEnv the environment bootstrap.sh gets (the Job's)
   */
  static LocalRedisCluster start(int nodes, String redisConf, String startSh, String bootstrapSh, List<String> nodeArgs,
      Map<String, String> bootstrapEnv) throws IOException {
    List<String> args = List.copyOf(nodeArgs);
    RedisClusterHarness cluster = RedisClusterHarness.launch(nodes, "seckill-k8s-redis-cluster-", (port, node) -> {
      Path dir = node.getParent();
      if (!Files.exists(dir.resolve("start.sh"))) {
        Files.writeString(dir.resolve("start.sh"), startSh);
        Files.writeString(dir.resolve("bootstrap.sh"), bootstrapSh);
      }
      Path conf = node.resolve("redis.conf");
      if (!Files.exists(conf)) {
        Files.writeString(conf, localConf(redisConf, port, node));
      }
      // sh start.sh <node args>, with REDIS_CONF pointing at the node's file.
      List<String> command = new ArrayList<>(List.of("sh", dir.resolve("start.sh").toString()));
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("REDIS_CONF", conf.toString());
      return builder;
    });
    return new LocalRedisCluster(cluster, Map.copyOf(bootstrapEnv));
  }

  List<Integer> ports() {
    return cluster.ports();
  }

  /** The rendered file with only port, data directory, nodes.conf path and bind address changed. */
  private static String localConf(String rendered, int port, Path node) {
    String dataDir = rendered.lines().filter(l -> l.startsWith("dir ")).findFirst().orElseThrow().substring(4);
    String local = replaceLine(rendered, "port ", "port " + port);
    local = replaceLine(local, "dir ", "dir " + node);
    local = replaceLine(local, "bind ", "bind " + LOCAL_HOST);
    String nodesConf = local.lines().filter(l -> l.startsWith("cluster-config-file ")).findFirst().orElseThrow();
    String inDataDir = "cluster-config-file " + dataDir + "/";
    assertThat(nodesConf).as("nodes.conf lives in the data directory").startsWith(inDataDir);
    return replaceLine(local, "cluster-config-file ",
        "cluster-config-file " + node.resolve(nodesConf.substring(inDataDir.length())));
  }

  private static String replaceLine(String conf, String prefix, String line) {
    assertThat(conf.lines().filter(l -> l.startsWith(prefix)).count()).as("one '%s' line in redis.conf", prefix.strip())
        .isOne();
    return conf.lines().map(l -> l.startsWith(prefix) ? line : l).collect(Collectors.joining("\n", "", "\n"));
  }

  /** sh start.sh <node args> on every node again (the same redis.conf); logs go on in its redis.log. */
  void startAll() throws IOException {
    cluster.startAll();
  }

  /** SIGTERM (Redis saves nodes.conf and exits), as a pod being stopped. */
  void stopAll() throws InterruptedException {
    cluster.stopAll();
  }

  record Result(int exitCode, String output) {
  }

  /** sh bootstrap.sh 127.0.0.1:<port> for every node, with the Job's environment and WAIT_SECONDS given. */
  Result bootstrap(int waitSeconds) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", cluster.dir().resolve("bootstrap.sh").toString()));
    cluster.ports().forEach(port -> command.add(LOCAL_HOST + ":" + port));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(bootstrapEnv);
    builder.environment().put("WAIT_SECONDS", String.valueOf(waitSeconds));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(waitSeconds + 30L, TimeUnit.SECONDS)).as("bootstrap.sh finishes").isTrue();
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
      for (int port : cluster.ports()) {
        assertThat(cli(port, "cluster", "info")).as("node %d", port).contains("cluster_state:ok");
        String nodes = cli(port, "cluster", "nodes");
        assertThat(nodes.strip().lines().map(l -> l.split(" ")).toList()).as("node %d sees:\n%s", port, nodes)
            .hasSize(cluster.ports().size()).allSatisfy(f -> {
              assertThat(f[2]).doesNotContain("fail").doesNotContain("handshake");
              assertThat(f[7]).isEqualTo("connected");
            });
        seen.add(roles(nodes));
      }
      Map<String, String> view = seen.get(0);
      assertThat(seen).as("every node sees the same roles").allSatisfy(v -> assertThat(v).isEqualTo(view));
      List<String> primaries = view.entrySet().stream().filter(e -> e.getValue().equals("master"))
          .map(Map.Entry::getKey).toList();
      assertThat(primaries).hasSize(3);
      assertThat(view.values().stream().filter(r -> r.startsWith("replica of ")).map(r -> r.substring(11)))
          .as("each primary has exactly one replica").containsExactlyInAnyOrderElementsOf(primaries);
      assertThat(cli(cluster.ports().get(0), "cluster", "info")).contains("cluster_slots_assigned:16384", "cluster_slots_ok:16384");
    });
    return seen.get(0);
  }

  private static Map<String, String> roles(String clusterNodes) {
    Map<String, String> roles = new TreeMap<>();
    for (String line : clusterNodes.split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length >= 8) {
        roles.put(f[0], f[2].contains("master") ? "master" : "replica of " + f[3]);
      }
    }
    return roles;
  }

  /** Replaces text in every node's nodes.conf (which must contain it). */
  void rewriteNodesConf(String from, String to) throws IOException {
    for (int i = 0; i < cluster.ports().size(); i++) {
      Path nodesConf = cluster.nodeDir(i).resolve("nodes.conf");
      String before = Files.readString(nodesConf);
      assertThat(before).contains(from);
      Files.writeString(nodesConf, before.replace(from, to));
    }
  }

  String log(int node) throws IOException {
    return cluster.log(node);
  }

  @Override
  public void close() {
    cluster.close();
  }

  /** redis-cli against one local node; its output, error replies included. */
  static String cli(int port, String... args) {
    return RedisClusterHarness.cli(port, args);
  }
}
