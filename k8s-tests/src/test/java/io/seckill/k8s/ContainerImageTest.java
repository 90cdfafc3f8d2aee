package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docker/Dockerfile builds a pinned, non-root image around the jar each service module shades. */
class ContainerImageTest {
  private final Path root = Manifests.repoRoot();

  @Test
  void theImageStartsFromAPinnedJreAndRunsTheShadedJarAsUid10001() throws IOException {
    List<String> lines = Files.readAllLines(root.resolve("docker/Dockerfile")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from).isNotEmpty().allSatisfy(l -> assertThat(l)
        .matches("FROM eclipse-temurin:17(\\.\\d+){2,3}_\\d+-jre[-a-z]*@sha256:[0-9a-f]{64}( AS \\w+)?").doesNotContainIgnoringCase("latest"));
    assertThat(lines).contains("ARG SERVICE", "USER 10001:10001", "ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("COPY")
        .contains("${SERVICE}/target/seckill-${SERVICE}.jar /app/app.jar"));
  }

  @Test
  void everyServiceModuleShadesTheJarNameTheDockerfileCopies() throws IOException {
    for (String service : Workload.SERVICES.keySet()) {
      assertThat(Files.readString(root.resolve(service).resolve("pom.xml")))
          .as("%s/pom.xml", service).contains("<service.jar.name>seckill-" + service + "</service.jar.name>");
    }
    assertThat(Files.readString(root.resolve(".dockerignore")))
        .contains("!gateway/target/seckill-gateway.jar", "!stock-service/target/seckill-stock-service.jar",
            "!order-consumer/target/seckill-order-consumer.jar");
  }
}
