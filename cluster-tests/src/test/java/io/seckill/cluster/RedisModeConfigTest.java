package io.seckill.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.common.config.RedisSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SECKILL_REDIS_MODE and the URL list it allows; every refusal names the variable at fault. */
class RedisModeConfigTest {

  @Test
  void standaloneIsTheDefaultWithOneUrl() {
    RedisSettings settings = RedisSettings.from(Env.of(Map.of("SECKILL_REDIS_URL", "redis://127.0.0.1:6379/2")));

    assertThat(settings.mode()).isEqualTo(RedisSettings.Mode.STANDALONE);
    assertThat(settings.urls()).containsExactly("redis://127.0.0.1:6379/2");
  }

  @Test
  void clusterModeTakesEverySeedOfTheCommaSeparatedList() {
    RedisSettings settings = RedisSettings.from(Env.of(Map.of("SECKILL_REDIS_MODE", "cluster",
        "SECKILL_REDIS_URL", "redis://10.0.0.1:7000, redis://seckill:secret@10.0.0.2:7001,rediss://10.0.0.3:7002")));

    assertThat(settings.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
    // The credentials leave the URL and apply to every seed (and every node found through CLUSTER SLOTS).
    assertThat(settings.urls()).containsExactly("redis://10.0.0.1:7000", "redis://10.0.0.2:7001",
        "rediss://10.0.0.3:7002");
    assertThat(settings.user()).isEqualTo("seckill");
    assertThat(settings.password()).isEqualTo("secret");
    assertThat(settings.toString()).doesNotContain("secret");
  }

  @Test
  void severalUrlsWithoutClusterModeAreRefusedNamingBothVariables() {
    assertThatThrownBy(() -> RedisSettings.from(Env.of(Map.of("SECKILL_REDIS_URL", "redis://a:1,redis://b:2"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("SECKILL_REDIS_URL").hasMessageContaining("SECKILL_REDIS_MODE=cluster");
  }

  @Test
  void anUnknownModeIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> RedisSettings.from(Env.of(Map.of("SECKILL_REDIS_MODE", "sentinel",
        "SECKILL_REDIS_URL", "redis://a:1"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("SECKILL_REDIS_MODE").hasMessageContaining("sentinel");
  }

  @Test
  void aMalformedOrEmptySeedOrADatabaseOtherThanZeroIsRefusedInClusterMode() {
    for (String url : new String[] {"redis://a:1,http://b:2", "redis://a:1,,redis://c:3", "redis://a:1/3"}) {
      assertThatThrownBy(() -> RedisSettings.from(Env.of(Map.of("SECKILL_REDIS_MODE", "cluster", "SECKILL_REDIS_URL", url))))
          .as(url).isInstanceOf(ConfigException.class).hasMessageStartingWith("SECKILL_REDIS_URL");
    }
  }
}
