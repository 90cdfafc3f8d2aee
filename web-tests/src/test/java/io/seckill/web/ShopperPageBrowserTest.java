package io.seckill.web;

import io.seckill.infra.stack.TestSecrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.testing.SeckillSystem;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shopper page in headless Chromium: the scenarios are browser/shopper-page.test.mjs (node:test
 * driving Debian's /usr/bin/chromium through playwright-core); this test starts the real system for
 * them and fails with their output. Screenshots of every state land in target/screenshots.
 */
class ShopperPageBrowserTest {
  @Test
  void shopperPageScenariosPassInHeadlessChromium() throws Exception {
    Path node = BrowserScenarios.prepare();
    // Dev mode on: the page's dev sign-in and payment simulator are what the browser drives.
    // A generous request timeout: on a loaded machine the services' first calls (cold JIT) overran the 2 s default,
    // and a scenario whose sale creation answers 504 tests nothing of the page.
    try (SeckillSystem system = SeckillSystem.start("web", Map.of("SECKILL_DEV_MODE", "true",
        "SECKILL_REQUEST_TIMEOUT_MS", "15000"))) {
      String output = BrowserScenarios.runScenarios(node, "shopper-page.test.mjs", Map.of(
          "GATEWAY_URL", "http://127.0.0.1:" + system.gateway().httpPort(),
          "STOCK_URL", "http://127.0.0.1:" + system.stock().httpPort(),
          "ADMIN_TOKEN", TestSecrets.ADMIN_TOKEN));
      // The storefront worker's measured hash rate (docs/bots.md quotes it).
      output.lines().filter(line -> line.contains("proof-of-work rate")).forEach(System.out::println);
    }
    assertThat(BrowserScenarios.screenshots("").stream().filter(f -> !f.getFileName().toString().startsWith("console-")))
        .as("the storefront's screenshots").hasSizeGreaterThanOrEqualTo(6);
  }
}
