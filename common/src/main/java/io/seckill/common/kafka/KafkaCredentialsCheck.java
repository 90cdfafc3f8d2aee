package io.seckill.common.kafka;

import io.seckill.common.config.ConfigException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start-up check of the SASL credentials. Kafka clients treat a refused login as one more connection error and
 * keep retrying, so a wrong password would otherwise show only as a service that never sells or persists anything.
 * Fail-closed: a refused login fails the start, naming the user, never the password. Fail-open: on anything else
 * (Kafka not up yet) the start goes on; the services already start without Kafka and connect when it comes.
 */
public final class KafkaCredentialsCheck {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCredentialsCheck.class);
  private static final int TIMEOUT_MS = 5_000;

  private KafkaCredentialsCheck() {
  }

  /**
   * Blocking (at most about 6 s, only with SASL): call from {@code Main} before anything starts, like the other
   * configuration checks, so a refused login throws {@link ConfigException} with nothing to stop.
   */
  public static void verify(KafkaSettings kafka) {
    KafkaSecurity security = kafka.security();
    if (security.mechanism() == null) {
      return;
    }
    try {
      try (Admin admin = Admin.create(kafka.clientProperties(Map.of(
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS)))) {
        admin.describeCluster().nodes().get(TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof AuthenticationException refused) {
          throw new ConfigException("SECKILL_KAFKA_SASL_PASSWORD", "was refused by Kafka at " + kafka.bootstrap()
              + " for user '" + security.username() + "' (" + security.mechanism() + "): " + refused.getMessage());
        }
        LOG.warn("could not check the Kafka credentials of user '{}' at start ({}); going on", security.username(),
            e.getCause() == null ? e.toString() : e.getCause().toString());
      } catch (java.util.concurrent.TimeoutException e) {
        LOG.warn("could not check the Kafka credentials of user '{}' at start (timeout); going on", security.username());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
