package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.gateway.admission.PurchaseRequest;
import io.seckill.gateway.admission.SoldOutFlags;
import io.seckill.gateway.guards.RateLimiter;
import io.seckill.common.auth.JwtSettings;
import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GatewayConfig: the documented defaults, and every bad value stops the start naming its variable. */
class GatewayConfigTest {
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
    assertThat(config.management()).isEqualTo(new io.seckill.common.config.ManagementSettings(9080, 1000));
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
  void identityProviderSettingsHaveTheDocumentedDefaultsAndNameTheVariableInEveryError() {
    JwtSettings hs256 = GatewayConfig.from(Env.of(validEnv())).jwt();
    assertThat(hs256.jwksMode()).isFalse();
    assertThat(hs256).extracting(JwtSettings::issuer, JwtSettings::audience, JwtSettings::leewayS, JwtSettings::maxLifetimeS)
        .containsExactly(null, null, 30, 3600);

    Map<String, String> jwks = validEnv();
    jwks.remove("SECKILL_JWT_SECRET");
    jwks.put("SECKILL_JWT_JWKS_URL", "https://idp.example.com/realms/shop/protocol/openid-connect/certs");
    jwks.put("SECKILL_JWT_ISSUER", "https://idp.example.com/realms/shop");
    jwks.put("SECKILL_JWT_AUDIENCE", "seckill");
    GatewayConfig config = GatewayConfig.from(Env.of(jwks));
    assertThat(config.jwt().jwksMode()).isTrue();
    assertThat(config.jwt()).extracting(JwtSettings::secret, JwtSettings::leewayS, JwtSettings::maxLifetimeS,
        JwtSettings::jwksRefreshS, JwtSettings::jwksMinRefreshMs, JwtSettings::jwksMaxKeys)
        .containsExactly(null, 30, 3600, 300, 10_000, 32);
    assertThat(config.toString()).contains("idp.example.com").doesNotContain(GatewayHarness.SECRET);

    Map<String, String> both = new HashMap<>(jwks);
    both.put("SECKILL_JWT_SECRET", GatewayHarness.SECRET);
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(both))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_JWT_JWKS_URL").hasMessageContaining("exactly one");
    for (String required : new String[] {"SECKILL_JWT_ISSUER", "SECKILL_JWT_AUDIENCE"}) {
      Map<String, String> missing = new HashMap<>(jwks);
      missing.remove(required);
      assertThatThrownBy(() -> GatewayConfig.from(Env.of(missing))).hasMessageContaining(required);
    }
    for (String url : new String[] {"http://idp.example.com/certs", "ftp://idp/certs", "not a url"}) {
      Map<String, String> plain = new HashMap<>(jwks);
      plain.put("SECKILL_JWT_JWKS_URL", url);
      assertThatThrownBy(() -> GatewayConfig.from(Env.of(plain))).hasMessageContaining("SECKILL_JWT_JWKS_URL");
    }
    Map<String, String> loopback = new HashMap<>(jwks);
    loopback.put("SECKILL_JWT_JWKS_URL", "http://127.0.0.1:8180/certs");
    assertThat(GatewayConfig.from(Env.of(loopback)).jwt().jwksUrl()).isEqualTo("http://127.0.0.1:8180/certs");
    for (String[] bad : new String[][] {{"SECKILL_JWT_LEEWAY_S", "-1"}, {"SECKILL_JWT_MAX_LIFETIME_S", "10"},
        {"SECKILL_JWT_JWKS_REFRESH_S", "1"}, {"SECKILL_JWT_JWKS_MIN_REFRESH_MS", "x"}, {"SECKILL_JWT_JWKS_MAX_KEYS", "0"}}) {
      Map<String, String> env = new HashMap<>(jwks);
      env.put(bad[0], bad[1]);
      assertThatThrownBy(() -> GatewayConfig.from(Env.of(env))).hasMessageContaining(bad[0]);
    }

    // The dev sign-in mints HS256 tokens of SECKILL_DEV_TOKEN_TTL_S: it needs the secret, and a lifetime that fits.
    Map<String, String> dev = validEnv();
    dev.put("SECKILL_DEV_MODE", "true");
    dev.put("SECKILL_PAYMENT_SECRET", "dev-payment-secret-0123456789-abcdef");
    assertThat(GatewayConfig.from(Env.of(dev)).jwt().maxLifetimeS()).isEqualTo(28_800);
    Map<String, String> devShort = new HashMap<>(dev);
    devShort.put("SECKILL_JWT_MAX_LIFETIME_S", "3600");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(devShort))).hasMessageContaining("SECKILL_JWT_MAX_LIFETIME_S");
    Map<String, String> devJwks = new HashMap<>(jwks);
    devJwks.put("SECKILL_DEV_MODE", "true");
    devJwks.put("SECKILL_PAYMENT_SECRET", "dev-payment-secret-0123456789-abcdef");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(devJwks))).hasMessageContaining("SECKILL_JWT_JWKS_URL");
  }
}
