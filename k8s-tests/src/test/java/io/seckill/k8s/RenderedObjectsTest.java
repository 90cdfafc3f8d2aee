package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every overlay renders, and every object in it is a well-formed object of a type the cluster will know. */
class RenderedObjectsTest {
  /** The custom resources the manifests use, and the fields each must have (JSON pointers). */
  /** The custom resources of the services' Kafka credentials (Map.of holds ten at most). */
  private static final Map<String, List<String>> CREDENTIAL_CRD_REQUIRED = Map.of(
      "kafka.strimzi.io/v1/KafkaUser", List.of("/metadata/labels/strimzi.io~1cluster", "/spec/authentication/type",
          "/spec/authorization/type", "/spec/authorization/acls/0/resource/type",
          "/spec/authorization/acls/0/operations/0"),
      "keda.sh/v1alpha1/TriggerAuthentication", List.of("/spec/env/0/parameter", "/spec/env/0/name"));
  private static final Map<String, List<String>> CRD_REQUIRED = Map.of(
      "kafka.strimzi.io/v1/Kafka", List.of("/spec/kafka/listeners/0/name", "/spec/kafka/listeners/0/port",
          "/spec/kafka/config/min.insync.replicas", "/spec/entityOperator/topicOperator"),
      "kafka.strimzi.io/v1/KafkaNodePool", List.of("/metadata/labels/strimzi.io~1cluster", "/spec/replicas",
          "/spec/roles/0", "/spec/storage/type"),
      "kafka.strimzi.io/v1/KafkaTopic", List.of("/metadata/labels/strimzi.io~1cluster", "/spec/topicName",
          "/spec/partitions", "/spec/replicas", "/spec/config/min.insync.replicas"),
      "postgresql.cnpg.io/v1/Cluster", List.of("/spec/instances", "/spec/bootstrap/initdb/database",
          "/spec/bootstrap/initdb/owner", "/spec/storage/size", "/spec/imageName"),
      "postgresql.cnpg.io/v1/Pooler", List.of("/spec/cluster/name", "/spec/type", "/spec/instances",
          "/spec/pgbouncer/poolMode"),
      "keda.sh/v1alpha1/ScaledObject", List.of("/spec/scaleTargetRef/name", "/spec/minReplicaCount",
          "/spec/maxReplicaCount", "/spec/triggers/0/type", "/spec/triggers/0/metadata"),
      "monitoring.coreos.com/v1/ServiceMonitor", List.of("/spec/selector", "/spec/endpoints/0/port",
          "/spec/endpoints/0/path"),
      "monitoring.coreos.com/v1/PodMonitor", List.of("/spec/selector", "/spec/podMetricsEndpoints/0/port"),
      "monitoring.coreos.com/v1/PrometheusRule", List.of("/spec/groups/0/name", "/spec/groups/0/rules/0/expr"));

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyObjectParsesIntoItsTypedModelOrIsAKnownCustomResourceWithItsRequiredFields(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    assertThat(manifests.all()).as("%s renders objects", overlay).hasSizeGreaterThan(20);
    List<String> problems = new ArrayList<>();
    for (JsonNode object : manifests.all()) {
      String type = StrictKubernetesModels.typeKey(object);
      if (StrictKubernetesModels.hasModel(object)) {
        try {
          StrictKubernetesModels.read(object);
        } catch (RuntimeException e) {
          problems.add(Manifests.id(object) + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
      } else if (CRD_REQUIRED.containsKey(type) || CREDENTIAL_CRD_REQUIRED.containsKey(type)) {
        for (String pointer : CRD_REQUIRED.getOrDefault(type, CREDENTIAL_CRD_REQUIRED.get(type))) {
          JsonNode field = object.at(pointer);
          if (field.isMissingNode() || field.isNull()) {
            problems.add(Manifests.id(object) + " (" + type + ") lacks " + pointer);
          }
        }
      } else {
        problems.add(Manifests.id(object) + ": " + type + " is neither a modelled core type nor a known CRD");
      }
      if (Manifests.name(object).isEmpty()) {
        problems.add(type + " without metadata.name");
      }
    }
    assertThat(problems).as("%s: objects that would not apply as meant", overlay).isEmpty();
  }

  @Test
  void strictModelsRejectAMisspelledFieldInsteadOfKeepingItAsAnAdditionalProperty() throws Exception {
    JsonNode deployment = Manifests.YAML.readTree("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: typo}
        spec:
          selector: {matchLabels: {app: typo}}
          template:
            metadata: {labels: {app: typo}}
            spec:
              containers:
                - name: typo
                  image: example/typo:1.0.0
                  readinesProbe: {httpGet: {path: /health/ready, port: 8080}}
        """);

    assertThatThrownBy(() -> StrictKubernetesModels.read(deployment)).hasMessageContaining("readinesProbe");
    JsonNode corrected = Manifests.YAML.readTree(deployment.toString().replace("readinesProbe", "readinessProbe"));
    assertThat(StrictKubernetesModels.read(corrected, Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0).getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void noSecretValueIsRenderedAndEveryObjectCarriesTheSeckillAndInstanceLabels(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    assertThat(manifests.ofKind("Secret")).as("secrets are operator-provided, never in the repo").isEmpty();
    for (JsonNode object : manifests.all()) {
      JsonNode labels = object.path("metadata").path("labels");
      assertThat(labels.path("app.kubernetes.io/part-of").asString(""))
          .as("%s part-of label", Manifests.id(object)).isEqualTo("seckill");
      assertThat(labels.path("app.kubernetes.io/instance").asString(""))
          .as("%s instance label", Manifests.id(object)).isEqualTo("seckill-" + overlay);
      assertThat(object.path("metadata").path("namespace").asString(""))
          .as("%s namespace", Manifests.id(object)).isEqualTo("seckill");
    }
  }

  @Test
  void overlaysIncludeDevAndProd() {
    assertThat(Manifests.overlayNames()).contains("dev", "prod");
  }

  @Test
  void kustomizationsUseCurrentFieldsAndOnlyLocalResources() throws IOException {
    Set<String> deprecated = Set.of("commonLabels:", "patchesStrategicMerge:", "patchesJson6902:", "bases:", "vars:");
    List<Path> kustomizations;
    try (Stream<Path> files = Files.walk(Manifests.repoRoot().resolve("k8s"))) {
      kustomizations = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList();
    }
    assertThat(kustomizations).hasSizeGreaterThanOrEqualTo(3);
    for (Path file : kustomizations) {
      for (String line : Files.readAllLines(file)) {
        String code = line.strip();
        deprecated.stream().filter(code::startsWith)
            .forEach(field -> fail(file + " uses deprecated " + field + " (use labels:/patches:/resources:)"));
      }
      JsonNode kustomization = Manifests.YAML.readTree(file.toFile());
      for (String field : List.of("resources", "components")) {
        for (JsonNode entry : kustomization.path(field)) {
          Path local = file.getParent().resolve(entry.asString()).normalize();
          assertThat(local).as("%s: %s entry %s must be a local path (no remote bases)", file, field, entry)
              .exists();
        }
      }
    }
  }
}
