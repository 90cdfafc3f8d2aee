package io.seckill.web;

import io.seckill.infra.stack.TestSecrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.testing.SeckillSystem;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator console in headless Chromium: the scenarios are browser/operator-console.test.mjs; this test starts
 * the real system for them and fails with their output.
 */
class OperatorConsoleBrowserTest {
  @Test
  void operatorConsoleScenariosPassInHeadlessChromium() throws Exception {
    Path node = BrowserScenarios.prepare();
    try (SeckillSystem system = SeckillSystem.start("console", Map.of())) {
      BrowserScenarios.runScenarios(node, "operator-console.test.mjs", Map.of(
          "STOCK_URL", "http://127.0.0.1:" + system.stock().httpPort(),
          "ADMIN_TOKEN", TestSecrets.ADMIN_TOKEN));
    }
    assertThat(BrowserScenarios.screenshots("console-")).as("console screenshots").hasSizeGreaterThanOrEqualTo(5);
  }
}
