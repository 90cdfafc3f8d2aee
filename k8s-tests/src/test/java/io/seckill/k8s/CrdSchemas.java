package io.seckill.k8s;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CustomResourceDefinitions of the operator releases docs/kubernetes.md names, kept as test data in
 * src/test/resources/crds/&lt;operator&gt;-&lt;release&gt;/ (copied from each operator's repository at
 * that release's tag), and a validator per served apiVersion/kind built from its openAPIV3Schema.
 *
 * <p>Kubernetes' structural schemas are OpenAPI v3 with extensions; they become JSON Schema 2020-12 like
 * this: {@code x-kubernetes-int-or-string} is "an integer or a string"; {@code nullable} adds null to
 * the type (and the enum); {@code x-kubernetes-preserve-unknown-fields} keeps unknown fields, while an
 * object schema with {@code properties} and neither that nor {@code additionalProperties} refuses them
 * (the API server prunes unknown fields silently, which for a manifest in a repository is a mistake
 * nobody sees, so here it fails); {@code format} is dropped (the API server checks few of them) and the
 * other {@code x-kubernetes-*} extensions (CEL rules, list types) are not evaluated. Inside
 * {@code anyOf}/{@code allOf}/{@code oneOf}/{@code not} nothing is closed: there they only add
 * constraints to the structural schema around them.
 */
final class CrdSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final Path CRDS = Path.of("src/test/resources/crds");

  /** The operators whose CRDs the manifests use: the name in docs/kubernetes.md, the directory prefix. */
  static final Map<String, String> OPERATORS = Map.of(
      "Strimzi", "strimzi",
      "CloudNativePG", "cloudnative-pg",
      "KEDA", "keda",
      "Prometheus Operator", "prometheus-operator");

  private final Map<String, Schema> validators = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();

  private CrdSchemas() {
  }

  /** The CRDs of the releases the docs name, one directory per operator. */
  static CrdSchemas forDocumentedReleases() {
    CrdSchemas schemas = new CrdSchemas();
    Map<String, String> releases = documentedReleases();
    for (Map.Entry<String, String> operator : OPERATORS.entrySet()) {
      Path dir = moduleDir().resolve(CRDS).resolve(operator.getValue() + "-" + releases.get(operator.getKey()));
      if (!Files.isDirectory(dir)) {
        throw new AssertionError("docs/kubernetes.md names " + operator.getKey() + " "
            + releases.get(operator.getKey()) + " but " + dir + " holds no CRDs of that release");
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          schemas.load(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return schemas;
  }

  /**
   * The operator releases of the prerequisites table in docs/kubernetes.md: rows
   * {@code | Strimzi | 1.2.0 | ...}. The CRDs and the Kafka versions table are read for exactly these.
   */
  static Map<String, String> documentedReleases() {
    String docs;
    try {
      docs = Files.readString(Manifests.repoRoot().resolve("docs/kubernetes.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> releases = new LinkedHashMap<>();
    for (String operator : OPERATORS.keySet()) {
      Matcher m = Pattern.compile("^\\| " + Pattern.quote(operator) + " \\| (\\d+\\.\\d+\\.\\d+) \\|", Pattern.MULTILINE)
          .matcher(docs);
      if (!m.find()) {
        throw new AssertionError("docs/kubernetes.md's prerequisites table names no release of " + operator
            + " (a row `| " + operator + " | x.y.z | ...`)");
      }
      releases.put(operator, m.group(1));
    }
    return releases;
  }

  static Path moduleDir() {
    Path cwd = Path.of("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve(CRDS)) ? cwd : Manifests.repoRoot().resolve("k8s-tests");
  }

  private void load(Path file) {
    try (MappingIterator<JsonNode> docs = Manifests.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode crd = docs.next();
        if (crd == null || !"CustomResourceDefinition".equals(crd.path("kind").asString(""))) {
          continue;
        }
        String group = crd.at("/spec/group").asString();
        String kind = crd.at("/spec/names/kind").asString();
        for (JsonNode version : crd.at("/spec/versions")) {
          if (!version.path("served").asBoolean(false)) {
            continue;
          }
          JsonNode schema = version.at("/schema/openAPIV3Schema");
          if (schema.isMissingNode()) {
            throw new AssertionError(file + ": " + kind + " " + version.path("name") + " has no openAPIV3Schema");
          }
          String key = group + "/" + version.path("name").asString() + "/" + kind;
          validators.put(key, SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(toJsonSchema(schema)));
          sources.put(key, moduleDir().resolve(CRDS).relativize(file).toString());
        }
      }
    }
  }

  boolean knows(String typeKey) {
    return validators.containsKey(typeKey);
  }

  String source(String typeKey) {
    return sources.get(typeKey);
  }

  /** The schema violations of one object ("instance path: message"), empty when it validates. */
  List<String> violations(JsonNode object) {
    String key = StrictKubernetesModels.typeKey(object);
    Schema schema = validators.get(key);
    if (schema == null) {
      throw new AssertionError("no served CRD version for " + key + " among " + validators.keySet());
    }
    List<String> out = new ArrayList<>();
    for (Error error : schema.validate(object)) {
      out.add(error.getInstanceLocation() + ": " + error.getMessage());
    }
    return out;
  }

  /** OpenAPI v3 structural schema → JSON Schema 2020-12 (see the class comment). */
  static JsonNode toJsonSchema(JsonNode openApi) {
    return convert(openApi, true);
  }

  private static JsonNode convert(JsonNode node, boolean structural) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.startsWith("x-kubernetes-") || name.equals("nullable") || name.equals("format")) {
        continue;
      }
      switch (name) {
        case "properties", "patternProperties", "$defs", "definitions" -> {
          ObjectNode children = NODES.objectNode();
          value.properties().forEach(e -> children.set(e.getKey(), convert(e.getValue(), structural)));
          out.set(name, children);
        }
        case "items", "additionalProperties" -> out.set(name, convert(value, structural));
        case "anyOf", "allOf", "oneOf" -> {
          ArrayNode alternatives = NODES.arrayNode();
          value.forEach(v -> alternatives.add(convert(v, false)));
          out.set(name, alternatives);
        }
        case "not" -> out.set(name, convert(value, false));
        default -> out.set(name, value.deepCopy());
      }
    }
    if (node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      out.remove("type");
      if (!out.has("anyOf")) {
        ArrayNode either = NODES.arrayNode();
        either.add(NODES.objectNode().put("type", "integer"));
        either.add(NODES.objectNode().put("type", "string"));
        out.set("anyOf", either);
      }
    }
    if (node.path("nullable").asBoolean(false)) {
      if (out.has("type") && out.get("type").isString()) {
        ArrayNode types = NODES.arrayNode();
        types.add(out.get("type").asString());
        types.add("null");
        out.set("type", types);
      }
      if (out.has("enum")) {
        ((ArrayNode) out.get("enum")).addNull();
      }
    }
    boolean preserve = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (structural && node.has("properties") && !preserve && !node.has("additionalProperties")) {
      out.put("additionalProperties", false);
    }
    return out;
  }
}
