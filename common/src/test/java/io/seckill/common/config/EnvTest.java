package io.seckill.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void redactHidesPasswordsWithAndWithoutAUserName() {
    assertThat(Env.redact("postgresql://app:s3cret@db:5432/seckill")).isEqualTo("postgresql://app:***@db:5432/seckill");
    assertThat(Env.redact("redis://:s3cret@redis:6379")).isEqualTo("redis://:***@redis:6379");
    assertThat(Env.redact("redis://redis:6379")).isEqualTo("redis://redis:6379");
  }

  @Test
  void aMissingRequiredVariableIsNamedInTheError() {
    assertThatThrownBy(() -> Env.of(Map.of()).required("SECKILL_REDIS_URL"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_REDIS_URL");
  }

  @Test
  void aMalformedUrlIsNamedAndItsPasswordIsNotEchoed() {
    assertThatThrownBy(() -> Env.of(Map.of("SECKILL_PG_URL", "mysql://u:topsecret@h/db")).url("SECKILL_PG_URL", "postgresql"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_PG_URL").hasMessageNotContaining("topsecret");
  }

  @Test
  void aShortSecretIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> Env.of(Map.of("SECKILL_JWT_SECRET", "short")).secret("SECKILL_JWT_SECRET", 32))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_JWT_SECRET").hasMessageNotContaining("short'");
  }

  @Test
  void integersOutOfRangeAreRefused() {
    assertThatThrownBy(() -> Env.of(Map.of("SECKILL_HTTP_PORT", "70000")).port("SECKILL_HTTP_PORT", 8080))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_HTTP_PORT");
    assertThat(Env.of(Map.of()).port("SECKILL_HTTP_PORT", 8080)).isEqualTo(8080);
  }
}
