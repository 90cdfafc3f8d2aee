package io.seckill.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.stock.payment.FakePaymentProvider;
import io.seckill.stock.payment.PaymentQueryConfig;
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
        "SECKILL_CANCEL_TOKEN", StockHarness.CANCEL_TOKEN,
        "SECKILL_PAYMENT_SECRET", StockHarness.PAYMENT_SECRET));
  }

  @Test
  void defaultsMatchTheDocumentedOnes() {
    StockConfig config = StockConfig.from(Env.of(valid()));

    assertThat(config.httpPort()).isEqualTo(8081);
    assertThat(config.management()).isEqualTo(new io.seckill.common.config.ManagementSettings(9081, 1000));
    assertThat(config.sweepIntervalMs()).isEqualTo(1000);
    assertThat(config.reconcileIntervalMs()).isEqualTo(5000);
    assertThat(config.orphanAfterMs()).isEqualTo(30_000);
    assertThat(config.orderStatusTtlS()).isEqualTo(604_800);
    assertThat(config.consumerGroup()).isEqualTo("seckill-order-consumer");
    assertThat(config.redisTimeoutMs()).isEqualTo(1000);
    assertThat(config.http()).isEqualTo(new io.seckill.common.config.HttpTimeouts(2000, 60, 10_000));
    assertThat(config.pg().queryTimeoutMs()).as("PostgreSQL bound follows the request deadline").isEqualTo(2000);
    assertThat(config.toString()).doesNotContain(StockHarness.ADMIN_TOKEN, StockHarness.CANCEL_TOKEN, StockHarness.PAYMENT_SECRET, "pw@");
    assertThat(config.bind().host()).as("containers listen on every interface").isEqualTo("0.0.0.0");
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

  @Test
  void theCancelTokenIsRequiredAndMustDifferFromTheAdminToken() {
    Map<String, String> noCancel = valid();
    noCancel.remove("SECKILL_CANCEL_TOKEN");
    Map<String, String> same = valid();
    same.put("SECKILL_CANCEL_TOKEN", StockHarness.ADMIN_TOKEN);
    Map<String, String> badHost = valid();
    badHost.put("SECKILL_BIND_HOST", "127.0.0.1:8081");

    assertThatThrownBy(() -> StockConfig.from(Env.of(noCancel))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_CANCEL_TOKEN");
    assertThatThrownBy(() -> StockConfig.from(Env.of(same))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_CANCEL_TOKEN").hasMessageNotContaining(StockHarness.ADMIN_TOKEN);
    assertThatThrownBy(() -> StockConfig.from(Env.of(badHost))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_BIND_HOST");
  }

  @Test
  void requestAndQueryTimeoutsAreRangeCheckedAndTheQueryBoundFollowsTheRequestDeadline() {
    Map<String, String> env = valid();
    env.put("SECKILL_REQUEST_TIMEOUT_MS", "5000");
    assertThat(StockConfig.from(Env.of(env)).pg().queryTimeoutMs()).isEqualTo(5000);
    env.put("SECKILL_PG_QUERY_TIMEOUT_MS", "750");
    assertThat(StockConfig.from(Env.of(env)).pg().queryTimeoutMs()).isEqualTo(750);

    for (String name : java.util.List.of("SECKILL_REQUEST_TIMEOUT_MS", "SECKILL_PG_QUERY_TIMEOUT_MS",
        "SECKILL_HTTP_IDLE_TIMEOUT_S", "SECKILL_HTTP_READ_TIMEOUT_MS", "SECKILL_REDIS_TIMEOUT_MS")) {
      Map<String, String> bad = valid();
      bad.put(name, "0");
      assertThatThrownBy(() -> StockConfig.from(Env.of(bad))).isInstanceOf(ConfigException.class).hasMessageContaining(name);
    }
  }

  @Test
  void anOrphanWindowNoLongerThanAGatewaysOrderRecordLifetimeStopsTheStart() {
    Map<String, String> tooShort = valid();
    tooShort.put("SECKILL_ORPHAN_AFTER_MS", "4000");
    tooShort.put("SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", "3000");
    tooShort.put("SECKILL_KAFKA_MAX_BLOCK_MS", "500");
    Map<String, String> enough = new HashMap<>(tooShort);
    enough.put("SECKILL_ORPHAN_AFTER_MS", "4001");
    Map<String, String> defaults = valid();
    defaults.put("SECKILL_ORPHAN_AFTER_MS", "7000");

    assertThatThrownBy(() -> StockConfig.from(Env.of(tooShort))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_ORPHAN_AFTER_MS").hasMessageContaining("4000 ms");
    assertThat(StockConfig.from(Env.of(enough)).orphanAfterMs()).isEqualTo(4001);
    assertThatThrownBy(() -> StockConfig.from(Env.of(defaults))).as("5000 + 2 x 1000 by default")
        .isInstanceOf(ConfigException.class).hasMessageContaining("7000 ms");
  }

  @Test
  void withoutAProviderSettingTimedOutOrdersAreCancelledWithoutAskingAsBefore() {
    PaymentQueryConfig query = StockConfig.from(Env.of(valid())).paymentQuery();

    assertThat(query.provider()).isEqualTo("none");
    assertThat(query.queriesProvider()).isFalse();
    assertThat(query.timeoutMs()).isEqualTo(2000);
    assertThat(query.retries()).isEqualTo(5);
    assertThat(query.backoffMs()).isEqualTo(5000);
    assertThat(query.concurrency()).isEqualTo(8);
    assertThat(query.backoffAfter(1)).isEqualTo(5000);
    assertThat(query.backoffAfter(3)).isEqualTo(20_000);
    assertThat(query.backoffAfter(30)).isEqualTo(PaymentQueryConfig.MAX_BACKOFF_MS);
  }

  @Test
  void theHttpProviderNeedsItsUrlMerchantAndKeyAndTheKeyIsNeverPrinted() {
    Map<String, String> http = valid();
    http.put("SECKILL_PAYMENT_PROVIDER", "http");
    http.put("SECKILL_PAYMENT_PROVIDER_URL", "https://pay.example.com/api");
    http.put("SECKILL_PAYMENT_PROVIDER_MERCHANT_ID", "shop-1");
    http.put("SECKILL_PAYMENT_PROVIDER_KEY", FakePaymentProvider.KEY);

    StockConfig config = StockConfig.from(Env.of(http));
    assertThat(config.paymentQuery().url()).isEqualTo("https://pay.example.com/api");
    assertThat(config.toString()).contains("provider=http", "merchantId=shop-1").doesNotContain(FakePaymentProvider.KEY);

    for (String name : java.util.List.of("SECKILL_PAYMENT_PROVIDER_URL", "SECKILL_PAYMENT_PROVIDER_MERCHANT_ID",
        "SECKILL_PAYMENT_PROVIDER_KEY")) {
      Map<String, String> missing = new HashMap<>(http);
      missing.remove(name);
      assertThatThrownBy(() -> StockConfig.from(Env.of(missing))).isInstanceOf(ConfigException.class)
          .hasMessageContaining(name);
    }
    Map<String, String> shortKey = new HashMap<>(http);
    shortKey.put("SECKILL_PAYMENT_PROVIDER_KEY", "short");
    Map<String, String> ftp = new HashMap<>(http);
    ftp.put("SECKILL_PAYMENT_PROVIDER_URL", "ftp://pay.example.com");
    Map<String, String> unknown = valid();
    unknown.put("SECKILL_PAYMENT_PROVIDER", "paypal");
    Map<String, String> noTimeout = valid();
    noTimeout.put("SECKILL_PAYMENT_QUERY_TIMEOUT_MS", "0");
    assertThatThrownBy(() -> StockConfig.from(Env.of(shortKey))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_PAYMENT_PROVIDER_KEY").hasMessageNotContaining("short");
    assertThatThrownBy(() -> StockConfig.from(Env.of(ftp))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_PAYMENT_PROVIDER_URL");
    assertThatThrownBy(() -> StockConfig.from(Env.of(unknown))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_PAYMENT_PROVIDER");
    assertThatThrownBy(() -> StockConfig.from(Env.of(noTimeout))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_PAYMENT_QUERY_TIMEOUT_MS");
  }
}
