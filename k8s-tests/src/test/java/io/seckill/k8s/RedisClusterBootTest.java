package io.seckill.k8s;

import static io.seckill.k8s.LocalRedisCluster.LOCAL_HOST;
import static io.seckill.k8s.LocalRedisCluster.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Boots what prod-cluster renders, on this machine: the rendered redis.conf on six local
 * redis-server processes started by the rendered start.sh with the StatefulSet's own arguments,
 * joined by the rendered bootstrap.sh with the Job's environment, its node list mapped to the local
 * ports. Needs redis-server and redis-cli on the PATH.
 */
class RedisClusterBootTest {
  /** An address nothing listens on (the nodes bind 127.0.0.1 only): where a node "was" before it moved. */
  private static final String STALE_HOST = "127.0.0.2";

  private static int nodes;
  private static String redisConf;
  private static String startSh;
  private static String bootstrapSh;
  private static List<String> nodeArgs;
  private static Map<String, String> bootstrapEnv;
  private static String readinessScript;

  @BeforeAll
  static void renderedConfigurationAndTools() {
    // Required, as for cluster-tests (RedisClusterHarness): a boot test that skips proves nothing.
    assertThat(onPath("redis-server") && onPath("redis-cli"))
        .as("redis-server and redis-cli on the PATH (apt-get install redis-server; .ci/run installs it)").isTrue();
    Manifests manifests = Manifests.of(RedisClusterTest.OVERLAY);
    StatefulSet set = RedisClusterTest.clusterSet(manifests);
    Container redis = RedisClusterTest.redisContainer(set);
    Workload job = Workload.named(manifests, "redis-cluster-bootstrap");
    Container bootstrap = job.pod().getContainers().get(0);

    nodes = set.getSpec().getReplicas();
    assertThat(bootstrap.getArgs()).as("the Job names one host:port per node").hasSize(nodes);
    redisConf = manifests.one("ConfigMap", "redis-cluster-config").at("/data/redis.conf").asString();
    startSh = RedisClusterTest.scriptOf(manifests, Workload.named(manifests, set.getMetadata().getName()), redis);
    bootstrapSh = RedisClusterTest.scriptOf(manifests, job, bootstrap);
    // Each pod announces its own DNS name; here every node is this machine's address.
    String announced = "$(POD_NAME)." + set.getSpec().getServiceName();
    assertThat(redis.getArgs()).contains(announced);
    nodeArgs = redis.getArgs().stream().map(a -> a.equals(announced) ? LOCAL_HOST : a).toList();
    // The local nodes run without ACL (start.sh renders it only with REDIS_ACL_TEMPLATES): no password to pass.
    bootstrapEnv = bootstrap.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    List<String> readiness = redis.getReadinessProbe().getExec().getCommand();
    assertThat(readiness.subList(0, 2)).containsExactly("sh", "-c");
    readinessScript = readiness.get(2);
  }

  private static LocalRedisCluster startNodes() throws IOException {
    return LocalRedisCluster.start(nodes, redisConf, startSh, bootstrapSh, nodeArgs, bootstrapEnv);
  }

  @Test
  void theJobsScriptMakesThreePrimariesWithAReplicaEachAndASecondRunChangesNothing() throws Exception {
    try (LocalRedisCluster cluster = startNodes()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> cluster.ports().stream().allMatch(p -> cli(p, "ping").contains("PONG")));
      assertThat(cluster.ports()).as("no node is ready before the Job made the cluster")
          .allSatisfy(port -> assertThat(readinessProbe(port)).isNotZero());

      LocalRedisCluster.Result first = cluster.bootstrap(60);
      assertThat(first.exitCode()).as("bootstrap.sh:\n%s", first.output()).isZero();
      assertThat(first.output()).contains("creating a cluster of 6 nodes");
      Map<String, String> topology = cluster.awaitHealthyTopology();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.ports())
          .as("every node, primary or synced replica, passes the StatefulSet's readiness probe")
          .allSatisfy(port -> assertThat(readinessProbe(port)).isZero()));

      LocalRedisCluster.Result second = cluster.bootstrap(60);
      assertThat(second.exitCode()).as("second bootstrap.sh:\n%s", second.output()).isZero();
      assertThat(second.output()).contains("nothing to do").doesNotContain("creating");
      assertThat(cluster.awaitHealthyTopology()).as("same nodes, same roles").isEqualTo(topology);
    }
  }

  @Test
  void aClusterWhoseNodesAllComeBackAtNewAddressesFindsItselfThroughStartSh() throws Exception {
    try (LocalRedisCluster cluster = startNodes()) {
      assertThat(cluster.bootstrap(60).exitCode()).isZero();
      Map<String, String> topology = cluster.awaitHealthyTopology();

      // Every pod restarted at once: each nodes.conf now records addresses no peer is at any more.
      cluster.stopAll();
      cluster.rewriteNodesConf(" " + LOCAL_HOST + ":", " " + STALE_HOST + ":");
      cluster.startAll();

      assertThat(cluster.awaitHealthyTopology()).as("the same cluster, reassembled").isEqualTo(topology);
      assertThat(cluster.log(0)).contains("is now at " + LOCAL_HOST + ", not " + STALE_HOST);
    }
  }

  @Test
  void aHalfMadeClusterIsLeftAloneAndTheJobFailsWithAdviceRatherThanCreateOverIt() throws Exception {
    try (LocalRedisCluster cluster = startNodes()) {
      int first = cluster.ports().get(0);
      int second = cluster.ports().get(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> cli(first, "ping").contains("PONG"));
      // A create that stopped after giving the first primary its slots, before any node met another.
      assertThat(cli(first, "cluster", "addslotsrange", "0", "5460")).contains("OK");
      // With cluster-require-full-coverage no that lone node says ok: cluster_state alone would mislead.
      await().atMost(Duration.ofSeconds(20)).until(() -> cli(first, "cluster", "info").contains("cluster_state:ok"));

      LocalRedisCluster.Result result = cluster.bootstrap(3);

      assertThat(result.exitCode()).as("bootstrap.sh:\n%s", result.output()).isEqualTo(1);
      assertThat(result.output()).contains("Not creating over them", "redis-cli --cluster check")
          .doesNotContain("creating a cluster");
      assertThat(cli(second, "cluster", "info")).as("the other nodes are untouched")
          .contains("cluster_known_nodes:1", "cluster_slots_assigned:0");
    }
  }

  /** The StatefulSet's readiness command, its redis-cli pointed at one local node: the exit code. */
  private static int readinessProbe(int port) throws IOException, InterruptedException {
    String script = readinessScript.replace("redis-cli", "redis-cli -h " + LOCAL_HOST + " -p " + port);
    Process process = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }
}
