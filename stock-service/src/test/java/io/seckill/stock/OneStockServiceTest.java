package io.seckill.stock;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class against one stock-service, started once for the class on its own database, topic and
 * sale ids ({@link StockHarness}) and stopped with them after its last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OneStockServiceTest {
  protected StockHarness harness;
  protected StockService service;

  /** The variables this class's stock-service starts with beyond the harness's (intervals, providers ...). */
  protected Map<String, String> overrides() {
    return Map.of();
  }

  @BeforeAll
  void startStockService() {
    harness = new StockHarness();
    service = harness.start(overrides());
  }

  @AfterAll
  void stopStockService() {
    harness.close();
  }
}
