package io.seckill.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StockConfigTest {
  private static Map<String, String> valid() {
    return new HashMap<>(Map.of(
        "SECKILL_REDIS_URL", "redis://127.0.0.1:6379",
        "SECKILL_PG_URL", "postgresql://seckill:pw@127.0.0.1:5432/seckill",
        "SECKILL_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
        "SECKILL_ADMIN_TOKEN", StockHarness.ADMIN_TOKEN,
        "SECKILL_PAYMENT_SECRET", StockHarness.PAYMENT_SECRET));
  }

  @Test
  void defaultsMatchTheDocumentedOnes() {
    StockConfig config = StockConfig.from(Env.of(valid()));

    assertThat(config.httpPort()).isEqualTo(8081);
    assertThat(config.sweepIntervalMs()).isEqualTo(1000);
    assertThat(config.reconcileIntervalMs()).isEqualTo(5000);
    assertThat(config.orphanAfterMs()).isEqualTo(30_000);
    assertThat(config.orderStatusTtlS()).isEqualTo(604_800);
    assertThat(config.consumerGroup()).isEqualTo("seckill-order-consumer");
    assertThat(config.toString()).doesNotContain(StockHarness.ADMIN_TOKEN, StockHarness.PAYMENT_SECRET, "pw@");
  }

  @Test
  void aMissingOrShortSecretOrAMalformedKnobStopsTheStartNamingTheVariable() {
    Map<String, String> noAdmin = valid();
    noAdmin.remove("SECKILL_ADMIN_TOKEN");
    Map<String, String> shortSecret = valid();
    shortSecret.put("SECKILL_PAYMENT_SECRET", "short");
    Map<String, String> badInterval = valid();
    badInterval.put("SECKILL_SWEEP_INTERVAL_MS", "soon");

    assertThatThrownBy(() -> Main.start(Env.of(noAdmin))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_ADMIN_TOKEN");
    assertThatThrownBy(() -> StockConfig.from(Env.of(shortSecret))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_PAYMENT_SECRET");
    assertThatThrownBy(() -> StockConfig.from(Env.of(badInterval))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_SWEEP_INTERVAL_MS");
  }
}
