package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every custom resource of every overlay against the openAPIV3Schema of its CRD, from the operator
 * release docs/kubernetes.md names (CrdSchemas), offline; and the Kafka version against that Strimzi
 * release's own supported-versions table (src/test/resources/strimzi/kafka-versions-&lt;release&gt;.yaml,
 * kafka-versions.yaml of strimzi/strimzi-kafka-operator at that tag).
 */
class CustomResourceSchemaTest {
  private static CrdSchemas schemas;

  @BeforeAll
  static void loadTheDocumentedReleasesCrds() {
    schemas = CrdSchemas.forDocumentedReleases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyCustomResourceValidatesAgainstItsOperatorsCrdSchema(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (JsonNode object : manifests.all()) {
      if (StrictKubernetesModels.hasModel(object)) {
        continue;
      }
      String type = StrictKubernetesModels.typeKey(object);
      if (!schemas.knows(type)) {
        problems.add(Manifests.id(object) + ": no CRD of the documented releases serves " + type);
        continue;
      }
      checked++;
      schemas.violations(object).forEach(v -> problems.add(Manifests.id(object) + " (" + schemas.source(type) + ") "
          + v));
    }
    assertThat(checked).as("%s: custom resources checked", overlay).isGreaterThanOrEqualTo(8);
    assertThat(problems).as("%s: custom resources the operators' CRD schemas refuse", overlay).isEmpty();
  }

  @Test
  void theValidatorRefusesAnUnknownFieldAndAWrongTypeAndAcceptsWhatKubernetesAccepts() {
    Manifests prod = Manifests.of("prod");
    JsonNode kafka = prod.one("Kafka", "seckill-kafka");
    assertThat(schemas.violations(kafka)).isEmpty();

    ObjectNode unknownField = (ObjectNode) kafka.deepCopy();
    ((ObjectNode) unknownField.at("/spec/kafka")).put("listenerz", "typo");
    assertThat(schemas.violations(unknownField)).as("an unknown field").isNotEmpty()
        .anySatisfy(v -> assertThat(v).contains("listenerz"));

    JsonNode topic = prod.one("KafkaTopic", "seckill-orders");
    ObjectNode wrongType = (ObjectNode) topic.deepCopy();
    ((ObjectNode) wrongType.at("/spec")).put("partitions", "twelve");
    assertThat(schemas.violations(wrongType)).as("a string for an integer").isNotEmpty()
        .anySatisfy(v -> assertThat(v).contains("/spec/partitions"));

    JsonNode scaled = prod.one("ScaledObject", "order-consumer");
    ObjectNode misspelled = (ObjectNode) scaled.deepCopy();
    ((ObjectNode) misspelled.at("/spec")).put("maxReplicas", 12);
    assertThat(schemas.violations(misspelled)).as("a field of the HPA written into the ScaledObject").isNotEmpty();

    // Deep in a large schema and inside list items too.
    ObjectNode nested = (ObjectNode) prod.one("Cluster", "seckill-pg").deepCopy();
    ((ObjectNode) nested.at("/spec/affinity")).put("podAntiAffinityTyp", "required");
    assertThat(schemas.violations(nested)).anySatisfy(v -> assertThat(v).contains("podAntiAffinityTyp"));
    ObjectNode inItems = (ObjectNode) prod.one("ServiceMonitor", "seckill-services").deepCopy();
    ((ObjectNode) inItems.at("/spec/endpoints/0")).put("intervall", "15s");
    assertThat(schemas.violations(inItems)).anySatisfy(v -> assertThat(v).contains("intervall"));
    ObjectNode badEnum = (ObjectNode) prod.one("Pooler", "seckill-pg-pooler-rw").deepCopy();
    ((ObjectNode) badEnum.at("/spec/pgbouncer")).put("poolMode", "statement-ish");
    assertThat(schemas.violations(badEnum)).as("a value outside the enum").isNotEmpty();

    // int-or-string takes both; preserve-unknown-fields (Kafka's free-form config) takes anything.
    ObjectNode quantities = (ObjectNode) kafka.deepCopy();
    ((ObjectNode) quantities.at("/spec/kafka/config")).put("some.future.broker.setting", 7);
    JsonNode pool = prod.one("KafkaNodePool", "dual-role");
    ObjectNode numericCpu = (ObjectNode) pool.deepCopy();
    ((ObjectNode) numericCpu.at("/spec/resources/requests")).put("cpu", 2);
    assertThat(schemas.violations(quantities)).isEmpty();
    assertThat(schemas.violations(numericCpu)).isEmpty();
    ObjectNode badCpu = (ObjectNode) pool.deepCopy();
    ((ObjectNode) badCpu.at("/spec/resources/requests")).put("cpu", true);
    assertThat(schemas.violations(badCpu)).as("a boolean quantity").isNotEmpty();
  }

  @Test
  void theKafkaVersionIsOneTheDocumentedStrimziReleaseSupports() throws IOException {
    String release = CrdSchemas.documentedReleases().get("Strimzi");
    Path table = CrdSchemas.moduleDir().resolve("src/test/resources/strimzi/kafka-versions-" + release + ".yaml");
    assertThat(table).as("Strimzi %s's kafka-versions.yaml kept as test data", release).exists();
    List<JsonNode> versions = new ArrayList<>();
    Manifests.YAML.readTree(Files.readString(table)).forEach(versions::add);
    List<String> supported = versions.stream().filter(v -> v.path("supported").asBoolean(false))
        .map(v -> v.path("version").asString()).toList();
    assertThat(supported).as("Strimzi %s supports some Kafka", release).isNotEmpty();

    for (String overlay : Manifests.overlayNames().toList()) {
      JsonNode kafka = Manifests.of(overlay).one("Kafka", "seckill-kafka");
      String version = kafka.at("/spec/kafka/version").asString("");
      assertThat(version).as("%s: spec.kafka.version (set it: the operator's default moves with upgrades)", overlay)
          .isNotEmpty();
      assertThat(supported).as("%s: Kafka %s against Strimzi %s's supported versions", overlay, version, release)
          .contains(version);
      JsonNode metadata = kafka.at("/spec/kafka/metadataVersion");
      if (!metadata.isMissingNode()) {
        String highest = versions.stream().filter(v -> v.path("version").asString().equals(version)).findFirst()
            .orElseThrow().path("metadata").asString();
        assertThat(metadata.asString()).as("%s: metadataVersion", overlay).matches("\\d+\\.\\d+-IV\\d+");
        assertThat(metadata.asString().compareTo(highest)).as("%s: metadataVersion %s is at most %s", overlay,
            metadata.asString(), highest).isLessThanOrEqualTo(0);
      }
    }
  }

  @Test
  void theDocsNameEveryOperatorReleaseWhoseCrdsAreKeptAndNoOther() throws IOException {
    Map<String, String> releases = CrdSchemas.documentedReleases();
    List<String> expected = CrdSchemas.OPERATORS.entrySet().stream()
        .map(e -> e.getValue() + "-" + releases.get(e.getKey())).sorted().toList();
    try (var dirs = Files.list(CrdSchemas.moduleDir().resolve(CrdSchemas.CRDS))) {
      assertThat(dirs.map(d -> d.getFileName().toString()).sorted().toList())
          .as("src/test/resources/crds holds the CRDs of exactly the releases docs/kubernetes.md names")
          .isEqualTo(expected);
    }
  }
}
