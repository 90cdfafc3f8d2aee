package io.seckill.common.kafka;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a service authenticates to Kafka; applied to every producer, consumer and admin client through
 * {@link KafkaSettings#clientProperties(Map)}.
 *
 * <ul>
 *   <li>SECKILL_KAFKA_SECURITY_PROTOCOL: PLAINTEXT (default, no authentication), SASL_PLAINTEXT or SASL_SSL.</li>
 *   <li>SECKILL_KAFKA_SASL_MECHANISM: SCRAM-SHA-512 (default) or SCRAM-SHA-256; only with SASL.</li>
 *   <li>SECKILL_KAFKA_SASL_USERNAME, SECKILL_KAFKA_SASL_PASSWORD: required with SASL, refused without it (a
 *       credential that is silently not used hides a misconfiguration). Strimzi's KafkaUser Secret holds both.</li>
 *   <li>SECKILL_KAFKA_SSL_TRUSTSTORE_LOCATION, SECKILL_KAFKA_SSL_TRUSTSTORE_PASSWORD,
 *       SECKILL_KAFKA_SSL_TRUSTSTORE_TYPE (PKCS12 default): the CA the brokers' certificates chain to, SASL_SSL
 *       only; without a location the JVM's default trust store is used.</li>
 * </ul>
 * The password never appears in {@link #toString()}; Kafka itself logs {@code sasl.jaas.config} as [hidden].
 */
public record KafkaSecurity(String protocol, String mechanism, String username, String password,
                            String truststoreLocation, String truststorePassword, String truststoreType) {
  public static final KafkaSecurity PLAINTEXT = new KafkaSecurity("PLAINTEXT", null, null, null, null, null, null);

  private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256");
  private static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

  public static KafkaSecurity from(Env env) {
    String protocol = env.optional("SECKILL_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").toUpperCase(Locale.ROOT);
    if (!PROTOCOLS.contains(protocol)) {
      throw new ConfigException("SECKILL_KAFKA_SECURITY_PROTOCOL", "must be PLAINTEXT, SASL_PLAINTEXT or SASL_SSL but was '"
          + protocol + "'");
    }
    boolean sasl = protocol.startsWith("SASL_");
    boolean ssl = protocol.endsWith("SSL");
    for (String name : new String[] {"SECKILL_KAFKA_SASL_MECHANISM", "SECKILL_KAFKA_SASL_USERNAME",
        "SECKILL_KAFKA_SASL_PASSWORD"}) {
      if (!sasl && env.optional(name, null) != null) {
        throw new ConfigException(name, "is set but SECKILL_KAFKA_SECURITY_PROTOCOL is " + protocol
            + "; use SASL_PLAINTEXT or SASL_SSL");
      }
    }
    for (String name : new String[] {"SECKILL_KAFKA_SSL_TRUSTSTORE_LOCATION", "SECKILL_KAFKA_SSL_TRUSTSTORE_PASSWORD",
        "SECKILL_KAFKA_SSL_TRUSTSTORE_TYPE"}) {
      if (!ssl && env.optional(name, null) != null) {
        throw new ConfigException(name, "is set but SECKILL_KAFKA_SECURITY_PROTOCOL is " + protocol + "; use SASL_SSL");
      }
    }
    if (!sasl) {
      return PLAINTEXT;
    }
    String mechanism = env.optional("SECKILL_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512").toUpperCase(Locale.ROOT);
    if (!MECHANISMS.contains(mechanism)) {
      throw new ConfigException("SECKILL_KAFKA_SASL_MECHANISM", "must be SCRAM-SHA-512 or SCRAM-SHA-256 but was '"
          + mechanism + "'");
    }
    String location = ssl ? env.optional("SECKILL_KAFKA_SSL_TRUSTSTORE_LOCATION", null) : null;
    return new KafkaSecurity(protocol, mechanism, env.required("SECKILL_KAFKA_SASL_USERNAME"),
        env.required("SECKILL_KAFKA_SASL_PASSWORD"), location,
        location == null ? null : env.optional("SECKILL_KAFKA_SSL_TRUSTSTORE_PASSWORD", null),
        location == null ? null : env.optional("SECKILL_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12"));
  }

  /** SASL over a plain connection with SCRAM-SHA-512 (tests, and clusters whose network is trusted). */
  public static KafkaSecurity scram(String username, String password) {
    return new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", username, password, null, null, null);
  }

  /** The client properties: security.protocol, and with SASL the mechanism and the JAAS line. */
  public Map<String, Object> properties() {
    Map<String, Object> props = new HashMap<>();
    props.put("security.protocol", protocol);
    if (mechanism != null) {
      props.put("sasl.mechanism", mechanism);
      props.put("sasl.jaas.config", jaasConfig(username, password));
    }
    if (truststoreLocation != null) {
      props.put("ssl.truststore.location", truststoreLocation);
      props.put("ssl.truststore.type", truststoreType);
      if (truststorePassword != null) {
        props.put("ssl.truststore.password", truststorePassword);
      }
    }
    return props;
  }

  /**
   * The JAAS line with both values quoted. Kafka's JAAS parser reads a quoted value with Java's StreamTokenizer, which
   * honours backslash escapes: a quote or a backslash inside a password must be escaped, or it would end the value
   * early (and a crafted password could add options).
   */
  static String jaasConfig(String username, String password) {
    return SCRAM_LOGIN_MODULE + " required username=\"" + quote(username) + "\" password=\"" + quote(password) + "\";";
  }

  private static String quote(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  @Override
  public String toString() {
    return "KafkaSecurity[protocol=" + protocol + ", mechanism=" + mechanism + ", username=" + username
        + ", password=" + (password == null ? "none" : "***") + ", truststore=" + truststoreLocation + "]";
  }
}
