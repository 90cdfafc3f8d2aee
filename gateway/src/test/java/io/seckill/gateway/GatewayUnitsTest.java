package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The network-free pieces: config validation, token buckets, sold-out flag expiry, body fingerprints. */
class GatewayUnitsTest {
  private static Map<String, String> validEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("SECKILL_REDIS_URL", "redis://127.0.0.1:6379");
    env.put("SECKILL_PG_URL", "postgresql://u@127.0.0.1:5432/db");
    env.put("SECKILL_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    env.put("SECKILL_JWT_SECRET", GatewayHarness.SECRET);
    env.put("SECKILL_CANCEL_TOKEN", GatewayHarness.CANCEL_TOKEN);
    return env;
  }

  @Test
  void configHasTheDocumentedDefaults() {
    GatewayConfig config = GatewayConfig.from(Env.of(validEnv()));
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.stockServiceUrl()).isEqualTo("http://127.0.0.1:8081");
    assertThat(config.orderStatusTtlS()).isEqualTo(604_800);
    assertThat(config.idempotencyTtlS()).isEqualTo(86_400);
    assertThat(config.purchaseTokenTtlS()).isEqualTo(120);
    assertThat(config.bodyLimitBytes()).isEqualTo(4096);
    assertThat(config.redisMaxInFlight()).isEqualTo(2048);
    assertThat(config.http()).isEqualTo(new io.seckill.common.config.HttpTimeouts(2000, 60, 10_000));
    assertThat(config.pg().queryTimeoutMs()).isEqualTo(2000);
    assertThat(config.toString()).doesNotContain(GatewayHarness.SECRET).doesNotContain(GatewayHarness.CANCEL_TOKEN);
    assertThat(config.bind().host()).isEqualTo("0.0.0.0");
    assertThat(config.trustedProxies().isEmpty()).as("trust nobody by default").isTrue();
    assertThat(config.proxyProtocol()).isFalse();
  }

  @Test
  void aMalformedTrustedProxyOrBindHostStopsTheStartNamingTheVariable() {
    Map<String, String> badProxy = validEnv();
    badProxy.put("SECKILL_TRUSTED_PROXIES", "10.0.0.0/8, ingress.internal");
    Map<String, String> badHost = validEnv();
    badHost.put("SECKILL_BIND_HOST", "0.0.0.0:8080");

    assertThatThrownBy(() -> GatewayConfig.from(Env.of(badProxy))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_TRUSTED_PROXIES");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(badHost))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_BIND_HOST");
  }

  @Test
  void missingOrShortSecretsAndBadUrlsStopTheStartNamingTheVariable() {
    Map<String, String> noSecret = validEnv();
    noSecret.remove("SECKILL_JWT_SECRET");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(noSecret))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_JWT_SECRET");
    Map<String, String> shortToken = validEnv();
    shortToken.put("SECKILL_CANCEL_TOKEN", "short");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(shortToken))).hasMessageContaining("SECKILL_CANCEL_TOKEN");
    Map<String, String> badUrl = validEnv();
    badUrl.put("SECKILL_STOCK_SERVICE_URL", "ftp://x");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(badUrl))).hasMessageContaining("SECKILL_STOCK_SERVICE_URL");
  }

  @Test
  void tokenBucketRefusesPastItsBurstAndRefillsAtItsRate() {
    AtomicLong nanos = new AtomicLong();
    RateLimiter limiter = new RateLimiter(2, 3, 100, nanos::get);
    assertThat(limiter.tryAcquire("u")).isZero();
    assertThat(limiter.tryAcquire("u")).isZero();
    assertThat(limiter.tryAcquire("u")).isZero();
    assertThat(limiter.tryAcquire("u")).isEqualTo(1);
    assertThat(limiter.tryAcquire("other")).isZero();
    nanos.addAndGet(500_000_000L);
    assertThat(limiter.tryAcquire("u")).isZero();
  }

  @Test
  void tokenBucketMapStaysBounded() {
    AtomicLong nanos = new AtomicLong();
    RateLimiter limiter = new RateLimiter(1, 1, 100, nanos::get);
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire("ip-" + i);
    }
    assertThat(limiter.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void soldOutFlagExpiresAndClears() {
    AtomicLong now = new AtomicLong(1000);
    SoldOutFlags flags = new SoldOutFlags(1000, now::get);
    flags.markSoldOut(7);
    assertThat(flags.isSoldOut(7)).isTrue();
    now.addAndGet(1000);
    assertThat(flags.isSoldOut(7)).isFalse();
    flags.markSoldOut(7);
    flags.clear(7);
    assertThat(flags.isSoldOut(7)).isFalse();
  }

  @Test
  void fingerprintIgnoresFieldOrderAndSpacing() {
    PurchaseRequest a = PurchaseRequest.parse(Buffer.buffer("{\"quantity\":2,\"token\":\"t\"}"));
    PurchaseRequest b = PurchaseRequest.parse(Buffer.buffer(" { \"token\" : \"t\", \"quantity\" : 2 } "));
    assertThat(a.fingerprint()).isEqualTo(b.fingerprint())
        .isNotEqualTo(PurchaseRequest.parse(Buffer.buffer("{\"quantity\":1,\"token\":\"t\"}")).fingerprint());
  }
}
