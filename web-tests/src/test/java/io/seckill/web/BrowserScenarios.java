package io.seckill.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one node:test scenario file of {@code browser/} (playwright-core driving Debian's /usr/bin/chromium) against
 * a running system, and fails the JUnit test with the scenarios' output. Screenshots land in target/screenshots.
 */
final class BrowserScenarios {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path BROWSER_DIR = MODULE.resolve("browser");
  static final Path SCREENSHOTS = MODULE.resolve("target/screenshots");
  private static final long NPM_CI_TIMEOUT_S = 300;
  private static final long SCENARIOS_TIMEOUT_S = 300;
  private static final Pattern NODE_VERSION = Pattern.compile("^v(\\d+)\\.");

  private BrowserScenarios() {
  }

  /**
   * Node and Chromium are there (CI must have them; a developer without them skips), playwright-core is installed.
   * Answers the node binary.
   */
  static Path prepare() throws IOException, InterruptedException {
    Optional<Path> node = onPath("node");
    requireTool(node.isPresent() && nodeMajor(node.get()) >= 20, "node >= 20 is not on the PATH (playwright-core needs it)");
    requireTool(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing");
    if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
      Optional<Path> npm = onPath("npm");
      requireTool(npm.isPresent(), "npm is not on the PATH (needed once for npm ci)");
      Run install = run(List.of(npm.get().toString(), "ci", "--no-audit", "--no-fund"), Map.of(), NPM_CI_TIMEOUT_S);
      assertThat(install.exitCode()).as("npm ci in %s failed:%n%s", BROWSER_DIR, install.output()).isZero();
    }
    Files.createDirectories(SCREENSHOTS);
    return node.get();
  }

  /**
   * Runs {@code node --test <file>} with the given environment (plus the screenshot folder and Chromium's path);
   * answers the scenarios' output.
   */
  static String runScenarios(Path node, String file, Map<String, String> env) throws IOException, InterruptedException {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("SCREENSHOT_DIR", SCREENSHOTS.toString());
    all.put("CHROMIUM_PATH", CHROMIUM.toString());
    Run scenarios = run(List.of(node.toString(), "--test", file), all, SCENARIOS_TIMEOUT_S);
    if (scenarios.exitCode() != 0) {
      fail("the browser scenarios of " + file + " failed (exit " + scenarios.exitCode() + "):\n" + scenarios.output());
    }
    return scenarios.output();
  }

  /** The screenshots whose names start with the prefix. */
  static List<Path> screenshots(String prefix) throws IOException {
    List<Path> found = new ArrayList<>();
    try (var files = Files.list(SCREENSHOTS)) {
      files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".png")).forEach(found::add);
    }
    return found;
  }

  private static void requireTool(boolean present, String problem) {
    if (present) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(problem + ": on CI the browser tests must run; .ci/run installs chromium and checks node >= 20 with npm");
    }
    assumeTrue(false, problem + ": browser tests skipped (they need node >= 20 with npm, and apt-get install -y chromium)");
  }

  private record Run(int exitCode, String output) {
  }

  private static Run run(List<String> command, Map<String, String> env, long timeoutS) throws IOException, InterruptedException {
    Path log = Files.createTempFile("web-tests", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(BROWSER_DIR.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        return new Run(-1, "timed out after " + timeoutS + " s: " + String.join(" ", command) + "\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static int nodeMajor(Path node) throws IOException, InterruptedException {
    Process version = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    version.waitFor();
    Matcher major = NODE_VERSION.matcher(out);
    return major.find() ? Integer.parseInt(major.group(1)) : 0;
  }

  private static Optional<Path> onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
