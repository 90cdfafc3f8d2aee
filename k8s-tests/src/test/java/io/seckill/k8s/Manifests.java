package io.seckill.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The objects one overlay renders to, from {@code kubectl kustomize k8s/overlays/<name>} — the same
 * command an operator runs, so the tests see exactly what would be applied. Renders are cached per
 * JVM: every test class reads the same output.
 */
final class Manifests {
  static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

  private final String overlay;
  private final List<JsonNode> objects;

  private Manifests(String overlay, List<JsonNode> objects) {
    this.overlay = overlay;
    this.objects = List.copyOf(objects);
  }

  /** The repository root: the nearest ancestor of the working directory that holds k8s/. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("k8s/overlays"))) {
        return p;
      }
    }
    throw new AssertionError("no k8s/overlays directory above " + dir);
  }

  /** Every overlay directory, so a new overlay is tested without touching the tests. */
  static Stream<String> overlayNames() {
    try (Stream<Path> dirs = Files.list(repoRoot().resolve("k8s/overlays"))) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
          .map(d -> d.getFileName().toString()).sorted().toList().stream();
    } catch (IOException e) {
      throw new AssertionError("cannot list k8s/overlays", e);
    }
  }

  static Manifests of(String overlay) {
    return RENDERED.computeIfAbsent(overlay, name -> new Manifests(name, parse(render(name))));
  }

  String overlay() {
    return overlay;
  }

  List<JsonNode> all() {
    return objects;
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asString(""))).toList();
  }

  JsonNode one(String kind, String name) {
    List<JsonNode> found = ofKind(kind).stream().filter(o -> name.equals(name(o))).toList();
    if (found.size() != 1) {
      throw new AssertionError(overlay + ": expected one " + kind + " named " + name + " but found " + found.size());
    }
    return found.get(0);
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asString("");
  }

  static String id(JsonNode object) {
    return object.path("kind").asString("?") + "/" + name(object);
  }

  /** An integer field that YAML may hold as a number or a string. */
  static int integer(JsonNode node) {
    if (node.isNumber()) {
      return node.intValue();
    }
    if (node.isString()) {
      return Integer.parseInt(node.stringValue().trim());
    }
    throw new AssertionError("not an integer: " + node);
  }

  static Path kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    Path usual = Path.of("/usr/bin/kubectl");
    if (Files.isExecutable(usual)) {
      return usual;
    }
    // A failure, not a skip: without kubectl nothing in k8s/ would be checked at all.
    throw new AssertionError("kubectl is not on the PATH: the k8s manifest tests render every overlay with "
        + "`kubectl kustomize k8s/overlays/<name>`. Install kubectl (.ci/run does) and run again.");
  }

  private static String render(String overlay) {
    Path dir = repoRoot().resolve("k8s/overlays").resolve(overlay);
    try {
      Process process = new ProcessBuilder(kubectl().toString(), "kustomize", dir.toString()).start();
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String stdout = readAll(process.getInputStream());
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish within 120 s");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "):\n"
            + stderr.join());
      }
      return stdout;
    } catch (IOException e) {
      throw new AssertionError("cannot run kubectl kustomize " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + dir, e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<JsonNode> parse(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject() && !doc.isEmpty()) {
          out.add(doc);
        }
      }
    }
    return out;
  }
}
