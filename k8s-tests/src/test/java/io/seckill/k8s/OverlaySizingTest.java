package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** dev is one of everything; prod is pre-scaled, replicated and spread before the sale starts. */
class OverlaySizingTest {

  @Test
  void devRunsOneReplicaOfEverything() {
    Manifests dev = Manifests.of("dev");
    for (Workload w : Workload.all(dev)) {
      assertThat(w.replicas() == null ? 1 : w.replicas()).as("dev %s replicas", w.id()).isEqualTo(1);
    }
    HorizontalPodAutoscaler hpa = StrictKubernetesModels.read(dev.one("HorizontalPodAutoscaler", "gateway"),
        HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(1);
    assertThat(Manifests.integer(dev.one("ScaledObject", "order-consumer").at("/spec/maxReplicaCount"))).isEqualTo(1);
    assertThat(Manifests.integer(dev.one("KafkaNodePool", "dual-role").at("/spec/replicas"))).isEqualTo(1);
    JsonNode pg = dev.one("Cluster", "seckill-pg");
    assertThat(Manifests.integer(pg.at("/spec/instances"))).isEqualTo(1);
    assertThat(pg.at("/spec/postgresql/synchronous").isMissingNode())
        .as("a lone instance cannot wait for a synchronous standby").isTrue();
  }

  @Test
  void prodPreScalesGatewaysAndLetsConsumersGrowToThePartitionCount() {
    Manifests prod = Manifests.of("prod");
    HorizontalPodAutoscaler hpa = StrictKubernetesModels.read(prod.one("HorizontalPodAutoscaler", "gateway"),
        HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMinReplicas()).as("gateways already up when the sale opens").isGreaterThanOrEqualTo(6);
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
    JsonNode scaled = prod.one("ScaledObject", "order-consumer");
    assertThat(Manifests.integer(scaled.at("/spec/minReplicaCount"))).isGreaterThanOrEqualTo(2);
    int partitions = prod.ofKind("KafkaTopic").stream()
        .filter(t -> t.at("/spec/topicName").asString().equals("seckill.orders"))
        .mapToInt(t -> Manifests.integer(t.at("/spec/partitions"))).findFirst().orElseThrow();
    assertThat(Manifests.integer(scaled.at("/spec/maxReplicaCount"))).isEqualTo(partitions);
    assertThat(Workload.named(prod, "stock-service").replicas()).isGreaterThanOrEqualTo(2);
  }

  /**
   * docs/capacity.md ends its worked example with the settings it implies for prod-cluster; the
   * overlay must render exactly those, so the document and the manifests cannot drift apart.
   */
  @Test
  void prodClusterCarriesTheSettingsOfTheCapacityModelsWorkedExample() throws Exception {
    String doc = java.nio.file.Files.readString(Manifests.repoRoot().resolve("docs/capacity.md"));
    int gatewayFloor = row(doc, "gateway HPA `minReplicas` (2-core pods)");
    int gatewayCeiling = row(doc, "gateway HPA `maxReplicas`");
    String[] consumers = cell(doc, "order-consumer KEDA `minReplicaCount` / `maxReplicaCount`").split("/");
    int partitions = row(doc, "`seckill.orders` partitions");

    Manifests cluster = Manifests.of("prod-cluster");
    HorizontalPodAutoscaler hpa = StrictKubernetesModels.read(cluster.one("HorizontalPodAutoscaler", "gateway"),
        HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(gatewayFloor);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(gatewayCeiling);
    JsonNode scaled = cluster.one("ScaledObject", "order-consumer");
    assertThat(Manifests.integer(scaled.at("/spec/minReplicaCount"))).isEqualTo(Integer.parseInt(consumers[0].trim()));
    assertThat(Manifests.integer(scaled.at("/spec/maxReplicaCount"))).isEqualTo(Integer.parseInt(consumers[1].trim()));
    int rendered = cluster.ofKind("KafkaTopic").stream()
        .filter(t -> t.at("/spec/topicName").asString().equals("seckill.orders"))
        .mapToInt(t -> Manifests.integer(t.at("/spec/partitions"))).findFirst().orElseThrow();
    assertThat(rendered).isEqualTo(partitions);
    // The larger sale it is sized for needs more than prod's floors, never less.
    HorizontalPodAutoscaler prod = StrictKubernetesModels.read(Manifests.of("prod").one("HorizontalPodAutoscaler", "gateway"),
        HorizontalPodAutoscaler.class);
    assertThat(gatewayFloor).isGreaterThanOrEqualTo(prod.getSpec().getMinReplicas());
  }

  /** The value column of a settings-table row of docs/capacity.md, by its first column. */
  private static String cell(String doc, String setting) {
    String prefix = "| " + setting + " | ";
    return doc.lines().filter(line -> line.startsWith(prefix)).findFirst()
        .map(line -> line.substring(prefix.length()).split("\\|")[0].trim())
        .orElseThrow(() -> new AssertionError("docs/capacity.md has no row " + setting));
  }

  private static int row(String doc, String setting) {
    return Integer.parseInt(cell(doc, setting).replace(" ", ""));
  }

  @Test
  void prodSpreadsEveryServiceAcrossNodesAndZones() {
    for (Workload w : Workload.all(Manifests.of("prod"))) {
      if (!w.isSeckillService()) {
        continue;
      }
      List<TopologySpreadConstraint> constraints = w.pod().getTopologySpreadConstraints();
      assertThat(constraints).as("prod %s spread", w.id()).isNotNull()
          .anySatisfy(c -> {
            assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(c.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
            assertThat(c.getMaxSkew()).isEqualTo(1);
          })
          .anySatisfy(c -> assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
    }
  }

  @Test
  void prodReplicatesKafkaAndPostgresOnSeparateNodes() {
    Manifests prod = Manifests.of("prod");
    JsonNode pool = prod.one("KafkaNodePool", "dual-role");
    assertThat(Manifests.integer(pool.at("/spec/replicas"))).isGreaterThanOrEqualTo(3);
    JsonNode antiAffinity = pool.at("/spec/template/pod/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0");
    assertThat(antiAffinity.path("topologyKey").asString("")).isEqualTo("kubernetes.io/hostname");
    assertThat(antiAffinity.at("/labelSelector/matchLabels/strimzi.io~1cluster").asString(""))
        .isEqualTo(Manifests.name(prod.ofKind("Kafka").get(0)));
    JsonNode pg = prod.one("Cluster", "seckill-pg");
    assertThat(Manifests.integer(pg.at("/spec/instances"))).isGreaterThanOrEqualTo(3);
    assertThat(pg.at("/spec/affinity/podAntiAffinityType").asString("")).isEqualTo("required");
    assertThat(Manifests.integer(pg.at("/spec/postgresql/synchronous/number")))
        .as("a commit the consumer saw survives a failover").isBetween(1, Manifests.integer(pg.at("/spec/instances")) - 1);
    assertThat(Manifests.integer(prod.one("Pooler", "seckill-pg-pooler-rw").at("/spec/instances")))
        .isGreaterThanOrEqualTo(2);
  }
}
