package io.seckill.monitoring;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the promtool found on the PATH. Without it the promtool checks fail under CI=true (.ci/run
 * installs it, so its absence there is a broken machine) and are skipped, loudly, everywhere else.
 */
final class Promtool {
  static final String MISSING = "promtool is not on the PATH; .ci/run installs it "
      + "(apt-get install -y --no-install-recommends prometheus)";
  private static final long TIMEOUT_SECONDS = 60;

  private final Path executable;

  private Promtool(Path executable) {
    this.executable = executable;
  }

  static Promtool require() {
    Path found = locate();
    if (found == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(MISSING);
      }
      Assumptions.abort(MISSING + " -- skipped because CI is not true");
    }
    return new Promtool(found);
  }

  private static Path locate() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "promtool");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Runs {@code promtool args...} in {@code workDir}; output is stdout and stderr merged. */
  Result run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile("promtool", ".out");
    try {
      Process process = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("promtool " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  record Result(int exitCode, String output) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }
}
