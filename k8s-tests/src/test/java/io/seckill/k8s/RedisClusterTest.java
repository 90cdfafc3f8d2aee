package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.seckill.common.config.Env;
import io.seckill.common.config.RedisSettings;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * prod-cluster is prod with a Redis Cluster (k8s/components/redis-cluster) in place of the single
 * Redis; prod and dev keep the single Redis. Node names are derived from the rendered StatefulSet
 * and its governing Service, never written out here.
 */
class RedisClusterTest {
  static final String OVERLAY = "prod-cluster";
  /** What the component removes from the base, and what it adds. */
  private static final Set<String> SINGLE_REDIS = Set.of("StatefulSet/redis", "Service/redis", "ConfigMap/redis-config",
      "PodDisruptionBudget/redis", "PodMonitor/redis", "NetworkPolicy/redis");
  private static final Set<String> CLUSTER_REDIS = Set.of("StatefulSet/redis-cluster", "Service/redis-cluster",
      "ConfigMap/redis-cluster-config", "PodDisruptionBudget/redis-cluster", "PodMonitor/redis-cluster",
      "Job/redis-cluster-bootstrap", "NetworkPolicy/redis-cluster", "NetworkPolicy/redis-cluster-bootstrap");

  private final Manifests manifests = Manifests.of(OVERLAY);

  @Test
  void theClusterOverlayIsProdWithTheSingleRedisSwappedForTheClusterObjects() {
    Set<String> prod = ids(Manifests.of("prod"));
    Set<String> expected = new java.util.TreeSet<>(prod);
    expected.removeAll(SINGLE_REDIS);
    expected.addAll(CLUSTER_REDIS);
    assertThat(prod).containsAll(SINGLE_REDIS);
    assertThat(ids(manifests)).containsExactlyInAnyOrderElementsOf(expected);
    // Everything else is prod's, patches included: same sizing and spread for every Deployment.
    for (Workload w : Workload.all(Manifests.of("prod"))) {
      if (w.kind().equals("Deployment")) {
        Workload same = Workload.named(manifests, w.name());
        assertThat(same.pod().getContainers().stream().map(Container::getResources).toList())
            .as("%s resources as in prod", w.id()).isEqualTo(w.pod().getContainers().stream().map(Container::getResources).toList());
        assertThat(same.pod().getTopologySpreadConstraints()).as("%s spread as in prod", w.id())
            .isEqualTo(w.pod().getTopologySpreadConstraints());
        assertThat(same.replicas()).as("%s replicas as in prod", w.id()).isEqualTo(w.replicas());
      }
    }
  }

  @Test
  void sixNodesStartTogetherBehindAHeadlessServiceThatPublishesThemBeforeTheyAreReady() {
    StatefulSet set = clusterSet(manifests);
    assertThat(set.getSpec().getReplicas()).as("3 primaries + 3 replicas").isEqualTo(6);
    assertThat(set.getSpec().getPodManagementPolicy()).as("nodes become ready only together, after the Job")
        .isEqualTo("Parallel");
    JsonNode service = manifests.one("Service", set.getSpec().getServiceName());
    assertThat(service.at("/spec/clusterIP").asString("")).isEqualTo("None");
    assertThat(service.at("/spec/publishNotReadyAddresses").asBoolean(false))
        .as("the Job and restarting peers resolve node names before the nodes are ready").isTrue();
    assertThat(set.getSpec().getVolumeClaimTemplates()).as("every node keeps its data and nodes.conf").isNotEmpty();
  }

  @Test
  void theBootstrapJobCreatesTheClusterFromEveryNodeWithOneReplicaPerPrimary() {
    StatefulSet set = clusterSet(manifests);
    Workload job = Workload.named(manifests, "redis-cluster-bootstrap");
    assertThat(job.kind()).isEqualTo("Job");
    Container bootstrap = job.pod().getContainers().get(0);
    assertThat(bootstrap.getArgs()).as("the Job joins every node of the StatefulSet")
        .containsExactlyElementsOf(nodeAddresses(manifests, set));
    assertThat(env(bootstrap).get("CLUSTER_REPLICAS")).isEqualTo("1");
    assertThat(bootstrap.getImage()).as("the same redis-cli as the nodes")
        .isEqualTo(redisContainer(set).getImage());
    String script = scriptOf(manifests, job, bootstrap);
    assertThat(script).contains("--cluster create \"$@\" --cluster-replicas \"$CLUSTER_REPLICAS\" --cluster-yes")
        .contains("cluster_state").contains("PONG");
  }

  @Test
  void everyServiceRunsInClusterModeWithEveryNodeAsASeed() {
    StatefulSet set = clusterSet(manifests);
    List<String> nodes = nodeAddresses(manifests, set);
    for (String service : Workload.SERVICES.keySet()) {
      Map<String, String> env = ContainerEnvironment.resolve(manifests, Workload.named(manifests, service).mainContainer());
      assertThat(env.get("SECKILL_REDIS_MODE")).as("%s SECKILL_REDIS_MODE", service).isEqualTo("cluster");
      RedisSettings redis = RedisSettings.from(Env.of(env));
      assertThat(redis.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
      assertThat(redis.urls().stream().map(URI::create).map(u -> u.getScheme() + "|" + u.getHost() + ":" + u.getPort()))
          .as("%s seeds: every node, so the restock subscriber can move to any of them", service)
          .containsExactlyElementsOf(nodes.stream().map(n -> "redis|" + n).toList());
    }
  }

  @Test
  void nodesRunClusterModeWithTheSingleRedisPersistenceAndNoEviction() {
    StatefulSet set = clusterSet(manifests);
    Container redis = redisContainer(set);
    Map<String, String> conf = redisConf(manifests, "redis-cluster-config");
    String dataMount = mountPath(redis, "data");
    assertThat(conf).containsEntry("cluster-enabled", "yes")
        .containsEntry("cluster-preferred-endpoint-type", "hostname")
        .containsEntry("appendonly", "yes").containsEntry("appendfsync", "everysec")
        .containsEntry("maxmemory-policy", "noeviction")
        .containsEntry("dir", dataMount);
    assertThat(conf.get("cluster-config-file")).as("nodes.conf on the PVC survives restarts").startsWith(dataMount + "/");
    assertThat(conf.get("save")).as("RDB snapshots on top of the AOF").isNotBlank();
    long maxmemory = Quantity.getAmountInBytes(new Quantity(conf.get("maxmemory").replace("mb", "Mi"))).longValue();
    long limit = Quantity.getAmountInBytes(redis.getResources().getLimits().get("memory")).longValue();
    assertThat(maxmemory).as("maxmemory leaves room for forks under the limit").isLessThan(limit * 3 / 4);
    // Every setting of the single Redis is kept, with its value.
    Map<String, String> single = redisConf(Manifests.of("prod"), "redis-config");
    assertThat(conf).containsAllEntriesOf(single);
  }

  @Test
  void eachNodeAnnouncesItsStableDnsNameAndStartsThroughStartSh() {
    StatefulSet set = clusterSet(manifests);
    Container redis = redisContainer(set);
    assertThat(redis.getCommand()).containsExactly("sh", mountPath(redis, "config") + "/start.sh");
    assertThat(redis.getArgs()).containsExactly("--cluster-announce-hostname",
        "$(POD_NAME)." + set.getSpec().getServiceName());
    EnvVar podName = redis.getEnv().stream().filter(e -> e.getName().equals("POD_NAME")).findFirst().orElseThrow();
    assertThat(podName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    assertThat(scriptOf(manifests, Workload.named(manifests, set.getMetadata().getName()), redis))
        .contains("exec redis-server \"$REDIS_CONF\" \"$@\"");
    // Ready only inside a healthy cluster and, for a replica, once synced: a rolling update waits for it.
    String readiness = String.join(" ", redis.getReadinessProbe().getExec().getCommand());
    assertThat(readiness).contains("cluster_state:ok").contains("master_link_status:up");
  }

  @Test
  void noTwoNodesShareAMachineSoAPrimaryAndItsReplicaNeverDoAndDrainsTakeOneAtATime() {
    StatefulSet set = clusterSet(manifests);
    Map<String, String> podLabels = set.getSpec().getTemplate().getMetadata().getLabels();
    List<PodAffinityTerm> required = set.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution();
    // Roles change with every failover, so only "one node per machine" keeps each pair apart.
    assertThat(required).anySatisfy(term -> {
      assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(Labels.matches(term.getLabelSelector(), podLabels)).as("selects the cluster's own pods").isTrue();
    });
    assertThat(set.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .anySatisfy(c -> assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
    PodDisruptionBudget pdb = StrictKubernetesModels.read(manifests.one("PodDisruptionBudget", "redis-cluster"),
        PodDisruptionBudget.class);
    assertThat(Labels.matches(pdb.getSpec().getSelector(), podLabels)).isTrue();
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"prod", "dev"})
  void prodAndDevKeepTheSingleRedis(String overlay) {
    Manifests single = Manifests.of(overlay);
    assertThat(ids(single)).containsAll(SINGLE_REDIS).doesNotContainAnyElementsOf(CLUSTER_REDIS);
    assertThat(Workload.named(single, "redis").replicas()).isEqualTo(1);
    assertThat(single.ofKind("Job")).isEmpty();
    for (String service : Workload.SERVICES.keySet()) {
      Map<String, String> env = ContainerEnvironment.resolve(single, Workload.named(single, service).mainContainer());
      assertThat(env.getOrDefault("SECKILL_REDIS_MODE", "standalone")).isEqualTo("standalone");
      assertThat(env.get("SECKILL_REDIS_URL")).isEqualTo("redis://redis-0.redis:6379");
    }
    assertThat(redisConf(single, "redis-config")).doesNotContainKey("cluster-enabled");
  }

  /** host:port of every pod of the StatefulSet: <name>-<ordinal>.<governing Service>:<its redis port>. */
  static List<String> nodeAddresses(Manifests manifests, StatefulSet set) {
    String service = set.getSpec().getServiceName();
    int port = manifests.one("Service", service).at("/spec/ports").valueStream()
        .filter(p -> p.path("name").asString("").equals("redis")).map(p -> Manifests.integer(p.path("port")))
        .findFirst().orElseThrow(() -> new AssertionError("Service " + service + " has no port named redis"));
    return IntStream.range(0, set.getSpec().getReplicas())
        .mapToObj(i -> set.getMetadata().getName() + "-" + i + "." + service + ":" + port).toList();
  }

  /** The overlay's only StatefulSet: the Redis Cluster's nodes (the single Redis is gone). */
  static StatefulSet clusterSet(Manifests manifests) {
    List<StatefulSet> sets = manifests.ofKind("StatefulSet").stream()
        .map(n -> StrictKubernetesModels.read(n, StatefulSet.class)).toList();
    assertThat(sets).as("%s: one Redis StatefulSet", manifests.overlay()).hasSize(1);
    return sets.get(0);
  }

  static Container redisContainer(StatefulSet set) {
    return set.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals("redis"))
        .findFirst().orElseThrow();
  }

  /** redis.conf directives of a ConfigMap: first word → the rest of the line (comments and blanks dropped). */
  static Map<String, String> redisConf(Manifests manifests, String configMap) {
    String text = manifests.one("ConfigMap", configMap).at("/data/redis.conf").asString();
    Map<String, String> out = new LinkedHashMap<>();
    text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .forEach(l -> out.put(l.split("\\s+", 2)[0], l.split("\\s+", 2).length > 1 ? l.split("\\s+", 2)[1] : ""));
    return out;
  }

  /** The script a container runs: the ConfigMap key mounted at the path of its command's second word. */
  static String scriptOf(Manifests manifests, Workload workload, Container container) {
    String path = container.getCommand().get(1);
    for (VolumeMount mount : container.getVolumeMounts()) {
      if (path.startsWith(mount.getMountPath() + "/")) {
        Volume volume = workload.pod().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
            .findFirst().orElseThrow();
        String file = path.substring(mount.getMountPath().length() + 1);
        String key = volume.getConfigMap().getItems() == null ? file : volume.getConfigMap().getItems().stream()
            .filter(i -> i.getPath().equals(file)).findFirst().orElseThrow().getKey();
        return manifests.one("ConfigMap", volume.getConfigMap().getName()).at("/data/" + key).asString();
      }
    }
    throw new AssertionError(workload.id() + ": " + path + " is not on a mounted ConfigMap");
  }

  private static String mountPath(Container container, String volume) {
    return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).map(VolumeMount::getMountPath)
        .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " does not mount " + volume));
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  /** kind/name of every object, generated ConfigMaps without their content hash. */
  private static Set<String> ids(Manifests manifests) {
    return manifests.all().stream()
        .map(o -> o.path("kind").asString().equals("ConfigMap") ? Manifests.id(o).replaceFirst("-[a-z0-9]{10}$", "")
            : Manifests.id(o))
        .collect(Collectors.toSet());
  }
}
