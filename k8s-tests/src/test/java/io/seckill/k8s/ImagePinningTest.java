package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * What every overlay runs is pinned: third-party images by tag and digest (a re-pushed tag cannot change
 * what runs), our own by an immutable release version (the release replaces it with a digest:
 * scripts/pin-images.sh), never latest, never untagged; and docs/kubernetes.md records every
 * third-party reference, with where its digest was read.
 */
class ImagePinningTest {
  /** name:tag@sha256:64 hex, the tag kept for the reader. */
  static final Pattern THIRD_PARTY = Pattern.compile("([a-z0-9.-]+(?::\\d+)?/)?[a-z0-9._/-]+:([A-Za-z0-9._-]+)"
      + "@sha256:[0-9a-f]{64}");
  /** Our images: seckill/<service>:<semver>, optionally already pinned by the release to a digest. */
  static final Pattern OWN = Pattern.compile("([a-z0-9.-]+(?::\\d+)?/)*seckill/(gateway|stock-service|order-consumer)"
      + ":(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)(@sha256:[0-9a-f]{64})?");

  /** Every image reference an overlay makes a node pull: containers, and CloudNativePG's imageName. */
  static Map<String, String> images(Manifests manifests) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Workload w : Workload.all(manifests)) {
      w.containers().forEach(c -> out.put(w.id() + "/" + c.getName(), c.getImage()));
    }
    for (JsonNode cluster : manifests.ofKind("Cluster")) {
      out.put("Cluster/" + Manifests.name(cluster) + " imageName", cluster.at("/spec/imageName").asString(""));
    }
    return out;
  }

  static boolean isOwn(String image) {
    return image.contains("seckill/");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void thirdPartyImagesArePinnedByDigestAndOursByAReleaseVersion(String overlay) {
    List<String> problems = new ArrayList<>();
    images(Manifests.of(overlay)).forEach((where, image) -> {
      if (image.isEmpty() || image.contains(":latest") || !image.contains(":")) {
        problems.add(where + ": " + image + " is untagged or latest");
      } else if (isOwn(image)) {
        if (!OWN.matcher(image).matches()) {
          problems.add(where + ": " + image + " is not seckill/<service>:<semver>[@sha256:...]");
        }
      } else if (!THIRD_PARTY.matcher(image).matches()) {
        problems.add(where + ": " + image + " is not pinned as name:tag@sha256:<64 hex>");
      }
    });
    assertThat(problems).as("%s: images", overlay).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void redisIsA74ReleaseWithTheLuaFixesOf746(String overlay) {
    images(Manifests.of(overlay)).values().stream().filter(i -> i.startsWith("redis:")).forEach(image -> {
      Matcher m = Pattern.compile("redis:7\\.4\\.(\\d+)@.*").matcher(image);
      assertThat(m.matches()).as("%s: %s is a 7.4.x release", overlay, image).isTrue();
      assertThat(Integer.parseInt(m.group(1))).as("%s: %s has 7.4.3's and 7.4.6's fixes", overlay, image)
          .isGreaterThanOrEqualTo(6);
    });
  }

  @Test
  void docsRecordEveryThirdPartyReferenceAndTheDockerfileBaseIsPinnedByDigest() throws IOException {
    String docs = Files.readString(Manifests.repoRoot().resolve("docs/kubernetes.md"));
    List<String> references = new ArrayList<>();
    Manifests.overlayNames().forEach(o -> images(Manifests.of(o)).values().stream()
        .filter(i -> !isOwn(i)).forEach(references::add));
    String from = Files.readAllLines(Manifests.repoRoot().resolve("docker/Dockerfile")).stream()
        .filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow().substring(5).split(" ")[0];
    references.add(from);
    assertThat(from).matches(THIRD_PARTY);
    for (String reference : references.stream().distinct().toList()) {
      assertThat(docs).as("docs/kubernetes.md records %s (and where its digest was read)", reference)
          .contains(reference);
    }
  }

  @Test
  void theReleaseScriptTurnsThePushDigestsIntoKustomizeImagePins(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    String gateway = "a".repeat(64);
    String stock = "b".repeat(64);
    String consumer = "c".repeat(64);
    java.nio.file.Path pushLog = tmp.resolve("gateway-push.log");
    Files.writeString(pushLog, "The push refers to repository [registry.example.com/shop/seckill/gateway]\n"
        + "5f70bf18a086: Pushed\n0.2.0: digest: sha256:" + gateway + " size: 1574\n");
    Run ok = run(tmp, "k8s/overlays/prod", "registry.example.com/shop", "0.2.0", "gateway=" + pushLog,
        "stock-service=sha256:" + stock, "order-consumer=sha256:" + consumer);
    assertThat(ok.exit()).as(ok.output()).isZero();
    assertThat(ok.output().lines().toList()).containsExactly(
        "(cd k8s/overlays/prod && kustomize edit set image seckill/gateway=registry.example.com/shop/seckill/gateway"
            + ":0.2.0@sha256:" + gateway + ")",
        "(cd k8s/overlays/prod && kustomize edit set image seckill/stock-service=registry.example.com/shop/seckill/"
            + "stock-service:0.2.0@sha256:" + stock + ")",
        "(cd k8s/overlays/prod && kustomize edit set image seckill/order-consumer=registry.example.com/shop/seckill/"
            + "order-consumer:0.2.0@sha256:" + consumer + ")");
    for (String produced : ok.output().lines().map(l -> l.substring(l.indexOf('=') + 1, l.length() - 1)).toList()) {
      assertThat(produced).matches(OWN);
    }

    // A truncated digest, latest, or a missing service change nothing and say why.
    assertThat(run(tmp, "k8s/overlays/prod", "registry.example.com/shop", "0.2.0", "gateway=sha256:abc",
        "stock-service=sha256:" + stock, "order-consumer=sha256:" + consumer).exit()).isEqualTo(2);
    assertThat(run(tmp, "k8s/overlays/prod", "registry.example.com/shop", "latest", "gateway=sha256:" + gateway,
        "stock-service=sha256:" + stock, "order-consumer=sha256:" + consumer).exit()).isEqualTo(2);
    assertThat(run(tmp, "k8s/overlays/prod", "registry.example.com/shop", "0.2.0", "gateway=sha256:" + gateway,
        "gateway=sha256:" + gateway, "order-consumer=sha256:" + consumer).exit()).isEqualTo(2);
  }

  record Run(int exit, String output) {
  }

  private static Run run(java.nio.file.Path tmp, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", Manifests.repoRoot().resolve("scripts/pin-images.sh")
        .toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(Manifests.repoRoot().toFile())
        .redirectErrorStream(false).redirectError(tmp.resolve("stderr").toFile());
    builder.environment().put("PIN_IMAGES_DRY_RUN", "1");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out);
  }
}
