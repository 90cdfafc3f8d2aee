package io.seckill.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {
  private static KafkaSettings from(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("SECKILL_KAFKA_BOOTSTRAP", "kafka:9092"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return KafkaSettings.from(Env.of(env));
  }

  @Test
  void plaintextIsTheDefaultAndAddsNoCredentials() {
    Map<String, Object> props = from().clientProperties(Map.of("client.id", "x"));
    assertThat(props).containsEntry("security.protocol", "PLAINTEXT").containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("client.id", "x").doesNotContainKeys("sasl.mechanism", "sasl.jaas.config");
  }

  @Test
  void saslDefaultsToScramSha512WithTheUsersCredentials() {
    Map<String, Object> props = from("SECKILL_KAFKA_SECURITY_PROTOCOL", "sasl_plaintext",
        "SECKILL_KAFKA_SASL_USERNAME", "seckill-gateway", "SECKILL_KAFKA_SASL_PASSWORD", "pw").clientProperties(Map.of());
    assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(jaasOptions(props)).containsEntry("username", "seckill-gateway").containsEntry("password", "pw");
  }

  @Test
  void quotesAndBackslashesInThePasswordCannotEndTheValueOrAddOptions() {
    String nasty = "a\"; evil=\"1\\";
    Map<String, Object> props = from("SECKILL_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "SECKILL_KAFKA_SASL_USERNAME", "u\"x",
        "SECKILL_KAFKA_SASL_PASSWORD", nasty).clientProperties(Map.of());
    Map<String, Object> options = jaasOptions(props);
    assertThat(options).containsEntry("password", nasty).containsEntry("username", "u\"x").doesNotContainKey("evil");
  }

  @Test
  void saslSslTakesATruststore() {
    Map<String, Object> props = from("SECKILL_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "SECKILL_KAFKA_SASL_USERNAME", "u",
        "SECKILL_KAFKA_SASL_PASSWORD", "pw", "SECKILL_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka-ca/ca.p12",
        "SECKILL_KAFKA_SSL_TRUSTSTORE_PASSWORD", "store-pw").clientProperties(Map.of());
    assertThat(props).containsEntry("ssl.truststore.location", "/etc/kafka-ca/ca.p12")
        .containsEntry("ssl.truststore.type", "PKCS12").containsEntry("ssl.truststore.password", "store-pw");
  }

  @Test
  void saslWithoutAPasswordIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> from("SECKILL_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "SECKILL_KAFKA_SASL_USERNAME", "u"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_KAFKA_SASL_PASSWORD");
  }

  @Test
  void credentialsWithoutSaslAreRefusedRatherThanSilentlyUnused() {
    assertThatThrownBy(() -> from("SECKILL_KAFKA_SASL_USERNAME", "u", "SECKILL_KAFKA_SASL_PASSWORD", "s3cret"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_KAFKA_SASL_")
        .hasMessageContaining("PLAINTEXT").hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> from("SECKILL_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "SECKILL_KAFKA_SASL_USERNAME", "u",
        "SECKILL_KAFKA_SASL_PASSWORD", "pw", "SECKILL_KAFKA_SSL_TRUSTSTORE_LOCATION", "/x"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_KAFKA_SSL_TRUSTSTORE_LOCATION");
  }

  @Test
  void unknownProtocolsAndMechanismsAreRefused() {
    assertThatThrownBy(() -> from("SECKILL_KAFKA_SECURITY_PROTOCOL", "SSL"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_KAFKA_SECURITY_PROTOCOL");
    assertThatThrownBy(() -> from("SECKILL_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "SECKILL_KAFKA_SASL_MECHANISM",
        "PLAIN", "SECKILL_KAFKA_SASL_USERNAME", "u", "SECKILL_KAFKA_SASL_PASSWORD", "pw"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SECKILL_KAFKA_SASL_MECHANISM");
  }

  @Test
  void toStringNeverShowsThePassword() {
    KafkaSettings settings = from("SECKILL_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "SECKILL_KAFKA_SASL_USERNAME", "u",
        "SECKILL_KAFKA_SASL_PASSWORD", "s3cret-pw");
    assertThat(settings.toString()).doesNotContain("s3cret-pw").contains("username=u");
  }

  /** Parses the JAAS line the way the Kafka client does. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> jaasOptions(Map<String, Object> props) {
    JaasContext context = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
        new Password((String) props.get("sasl.jaas.config"))));
    List<AppConfigurationEntry> entries = context.configurationEntries();
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
    return (Map<String, Object>) entries.get(0).getOptions();
  }
}
