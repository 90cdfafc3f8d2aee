package io.seckill.web;

import io.seckill.testing.SeckillSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shopper page in headless Chromium: the scenarios are browser/shopper-page.test.mjs (node:test
 * driving Debian's /usr/bin/chromium through playwright-core); this test starts the real system for
 * them and fails with their output. Screenshots of every state land in target/screenshots.
 */
class ShopperPageBrowserTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path BROWSER_DIR = MODULE.resolve("browser");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long NPM_CI_TIMEOUT_S = 300;
  private static final long SCENARIOS_TIMEOUT_S = 300;
  private static final Pattern NODE_VERSION = Pattern.compile("^v(\\d+)\\.");

  @Test
  void shopperPageScenariosPassInHeadlessChromium() throws Exception {
    Optional<Path> node = onPath("node");
    requireTool(node.isPresent() && nodeMajor(node.get()) >= 20, "node >= 20 is not on the PATH (playwright-core needs it)");
    requireTool(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing");
    if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
      Optional<Path> npm = onPath("npm");
      requireTool(npm.isPresent(), "npm is not on the PATH (needed once for npm ci)");
      Run install = run(List.of(npm.get().toString(), "ci", "--no-audit", "--no-fund"), Map.of(), NPM_CI_TIMEOUT_S);
      assertThat(install.exitCode()).as("npm ci in %s failed:%n%s", BROWSER_DIR, install.output()).isZero();
    }
    Path screenshots = MODULE.resolve("target/screenshots");
    Files.createDirectories(screenshots);

    // Dev mode on: the page's dev sign-in and payment simulator are what the browser drives.
    // A generous request timeout: on a loaded machine the services' first calls (cold JIT) overran the 2 s default,
    // and a scenario whose sale creation answers 504 tests nothing of the page.
    try (SeckillSystem system = SeckillSystem.start("web", Map.of("SECKILL_DEV_MODE", "true",
        "SECKILL_REQUEST_TIMEOUT_MS", "15000"))) {
      Run scenarios = run(List.of(node.get().toString(), "--test", "shopper-page.test.mjs"), Map.of(
          "GATEWAY_URL", "http://127.0.0.1:" + system.gateway().httpPort(),
          "STOCK_URL", "http://127.0.0.1:" + system.stock().httpPort(),
          "ADMIN_TOKEN", SeckillSystem.ADMIN_TOKEN,
          "SCREENSHOT_DIR", screenshots.toString(),
          "CHROMIUM_PATH", CHROMIUM.toString()), SCENARIOS_TIMEOUT_S);
      if (scenarios.exitCode() != 0) {
        fail("the browser scenarios failed (exit " + scenarios.exitCode() + "):\n" + scenarios.output());
      }
      // The storefront worker's measured hash rate (docs/bots.md quotes it).
      scenarios.output().lines().filter(line -> line.contains("proof-of-work rate")).forEach(System.out::println);
      try (var files = Files.list(screenshots)) {
        assertThat(files.filter(f -> f.toString().endsWith(".png")).count()).as("screenshots in %s", screenshots)
            .isGreaterThanOrEqualTo(6);
      }
    }
  }

  /** CI must run the browser tests (.ci/run installs node and chromium); a developer without them just skips. */
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
