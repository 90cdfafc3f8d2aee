package io.seckill.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {
  private static RedisSettings from(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return RedisSettings.from(Env.of(env));
  }

  @Test
  void credentialsInTheUrlAreTakenOutOfItAndPercentDecoded() {
    RedisSettings s = from("SECKILL_REDIS_URL", "redis://seckill-gateway:p%40ss%2Fw%3Ard@redis-0.redis:6379/0");
    assertThat(s.url()).isEqualTo("redis://redis-0.redis:6379/0");
    assertThat(s.user()).isEqualTo("seckill-gateway");
    assertThat(s.password()).isEqualTo("p@ss/w:rd");
  }

  @Test
  void aPasswordWithoutAUserNameIsTheDefaultUsers() {
    RedisSettings s = from("SECKILL_REDIS_URL", "rediss://:s3cret@redis:6380");
    assertThat(s.url()).isEqualTo("rediss://redis:6380");
    assertThat(s.user()).isNull();
    assertThat(s.password()).isEqualTo("s3cret");
  }

  @Test
  void theUserAndPasswordMayComeFromTheirOwnVariablesWhileTheUrlStaysBare() {
    RedisSettings s = from("SECKILL_REDIS_URL", "redis://redis-0.redis:6379", "SECKILL_REDIS_USERNAME", "seckill-stock",
        "SECKILL_REDIS_PASSWORD", "from-a-secret");
    assertThat(s.url()).isEqualTo("redis://redis-0.redis:6379");
    assertThat(s.user()).isEqualTo("seckill-stock");
    assertThat(s.password()).isEqualTo("from-a-secret");
  }

  @Test
  void everyClusterSeedLosesItsCredentialsAndTheyApplyToAll() {
    RedisSettings s = from("SECKILL_REDIS_MODE", "cluster",
        "SECKILL_REDIS_URL", "redis://u:pw@a:7000, redis://u:pw@b:7001,redis://u:pw@c:7002");
    assertThat(s.urls()).containsExactly("redis://a:7000", "redis://b:7001", "redis://c:7002");
    assertThat(s.user()).isEqualTo("u");
    assertThat(s.password()).isEqualTo("pw");
  }

  @Test
  void clusterSeedsWithoutCredentialsTakeThoseOfTheOthers() {
    RedisSettings s = from("SECKILL_REDIS_MODE", "cluster", "SECKILL_REDIS_URL", "redis://a:7000,redis://u:pw@b:7001");
    assertThat(s.urls()).containsExactly("redis://a:7000", "redis://b:7001");
    assertThat(s.user()).isEqualTo("u");
    assertThat(s.password()).isEqualTo("pw");
  }

  @Test
  void clusterSeedsWithDifferentCredentialsAreRefusedWithoutShowingThem() {
    assertThatThrownBy(() -> from("SECKILL_REDIS_MODE", "cluster",
        "SECKILL_REDIS_URL", "redis://u:first-secret@a:7000,redis://u:second-secret@b:7001"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_REDIS_URL").hasMessageContaining("different credentials")
        .hasMessageNotContaining("first-secret").hasMessageNotContaining("second-secret");
  }

  @Test
  void aPasswordInTheUrlAndInItsOwnVariableIsRefused() {
    assertThatThrownBy(() -> from("SECKILL_REDIS_URL", "redis://u:in-url@a:6379", "SECKILL_REDIS_PASSWORD", "separate"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_REDIS_PASSWORD")
        .hasMessageNotContaining("in-url").hasMessageNotContaining("separate");
  }

  @Test
  void aUserWithoutAPasswordIsRefused() {
    assertThatThrownBy(() -> from("SECKILL_REDIS_URL", "redis://a:6379", "SECKILL_REDIS_USERNAME", "seckill-gateway"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_REDIS_USERNAME");
  }

  @Test
  void aMalformedUrlWithAPasswordIsReportedWithThePasswordHidden() {
    assertThatThrownBy(() -> from("SECKILL_REDIS_URL", "redis://u:p@ss w/rd@a:6379"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_REDIS_URL")
        .hasMessageNotContaining("ss w").hasMessageNotContaining("rd@");
    assertThatThrownBy(() -> from("SECKILL_REDIS_MODE", "cluster", "SECKILL_REDIS_URL", "redis://u:s3cret@a:7000/3"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("database 3").hasMessageNotContaining("s3cret");
  }

  @Test
  void toStringNeverShowsThePassword() {
    RedisSettings s = from("SECKILL_REDIS_URL", "redis://u:s3cret@a:6379");
    assertThat(s.toString()).doesNotContain("s3cret").contains("user=u").contains("password=***");
  }
}
