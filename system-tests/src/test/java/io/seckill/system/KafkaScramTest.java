package io.seckill.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.seckill.common.config.ConfigException;
import io.seckill.common.kafka.KafkaSecurity;
import io.seckill.common.kafka.KafkaSettings;
import io.seckill.infra.KafkaBroker;
import io.seckill.testing.SeckillSystem;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every service on its own SCRAM-SHA-512 user against a broker that enforces ACLs (StandardAuthorizer), with the
 * users and ACLs read from k8s/base/data/kafka-users.yaml, the Strimzi KafkaUsers the cluster runs with, and the
 * topic and group names of the manifests. A purchase goes through and is persisted; a wrong password stops a
 * service at start with a clear error; a user without Write on the orders topic cannot produce to it.
 */
class KafkaScramTest {
  private static final String ORDERS = "seckill.orders";
  private static final String DLQ = "seckill.orders.dlq";
  private static final String WARMUP = "seckill.orders.warmup";
  private static final String GROUP = "seckill-order-consumer";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static KafkaBroker broker;
  private static Admin admin;
  private static final Map<String, String> passwords = new HashMap<>();
  private static SeckillSystem system;

  @BeforeAll
  static void startABrokerWithTheManifestsUsersAndAcls() throws Exception {
    broker = KafkaBroker.startWithScramListener();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    List<AclBinding> acls = new ArrayList<>();
    for (JsonNode user : kafkaUsers()) {
      String name = user.at("/metadata/name").asText();
      assertThat(user.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
      String password = HexFormat.of().formatHex(RANDOM.generateSeed(16));
      passwords.put(name, password);
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(10, TimeUnit.SECONDS);
      for (JsonNode acl : user.at("/spec/authorization/acls")) {
        ResourcePattern resource = new ResourcePattern(
            ResourceType.valueOf(acl.at("/resource/type").asText().toUpperCase(Locale.ROOT)),
            acl.at("/resource/name").asText(),
            PatternType.valueOf(acl.at("/resource/patternType").asText().toUpperCase(Locale.ROOT)));
        for (JsonNode operation : acl.get("operations")) {
          acls.add(new AclBinding(resource, new AccessControlEntry("User:" + name, "*",
              AclOperation.fromString(operation.asText()), AclPermissionType.ALLOW)));
        }
      }
    }
    admin.createAcls(acls).all().get(10, TimeUnit.SECONDS);
    admin.createTopics(List.of(new NewTopic(DLQ, 1, (short) 1), new NewTopic(WARMUP, 1, (short) 1)))
        .all().get(10, TimeUnit.SECONDS);
    system = SeckillSystem.start("kafka-scram", Map.of(
            // The system's own admin (topic creation) uses the super-user PLAINTEXT listener.
            "SECKILL_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
            "SECKILL_ORDERS_TOPIC", ORDERS, "SECKILL_ORDERS_DLQ_TOPIC", DLQ, "SECKILL_CONSUMER_GROUP", GROUP,
            "SECKILL_WARMUP_TOPIC", WARMUP,
            "SECKILL_RECONCILE_INTERVAL_MS", "3600000"),
        Map.of(SeckillSystem.STOCK, scram("seckill-stock-service"),
            SeckillSystem.CONSUMER, scram("seckill-order-consumer"),
            SeckillSystem.GATEWAY, scram("seckill-gateway")), 2, 1, 1);
  }

  @AfterAll
  static void stopEverything() {
    try {
      if (system != null) {
        system.close();
      }
    } finally {
      if (admin != null) {
        admin.close();
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  @Test
  void aPurchaseIsPersistedWithEachServiceOnItsOwnScramUser() throws Exception {
    long saleId = system.createOpenSale(3);
    HttpResponse<String> bought = system.buy(saleId, "scram-alice");
    assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
    String orderId = new JsonObject(bought.body()).getString("orderId");

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> read = system.order("scram-alice", orderId);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(new JsonObject(read.body()).getString("status")).isEqualTo("PENDING_PAYMENT");
    });
    // The reconciler's lag check (stock-service's Describe on the topic and the group) answers.
    HttpResponse<String> reconciled = system.admin("/admin/v1/sales/" + saleId + "/reconcile", null);
    assertThat(reconciled.statusCode()).as(reconciled.body()).isEqualTo(200);
    // The consumer committed its offsets in its group (Read on the group).
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(GROUP)
        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS).values().stream()
        .mapToLong(o -> o.offset()).sum()).isEqualTo(1));
  }

  @Test
  void aWrongPasswordStopsTheStartWithAnErrorNamingTheUserButNotThePassword() {
    Map<String, String> wrong = new HashMap<>(scram("seckill-gateway"));
    wrong.put("SECKILL_KAFKA_SASL_PASSWORD", "not-the-password-0123");

    assertThatThrownBy(() -> system.startGateway(wrong))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_KAFKA_SASL_PASSWORD").hasMessageContaining("seckill-gateway")
        .hasMessageContaining("refused").hasMessageNotContaining("not-the-password-0123");
  }

  @Test
  void aUserWithoutWriteOnTheOrdersTopicCannotProduceToIt() {
    KafkaSettings stock = new KafkaSettings(broker.scramBootstrap(), ORDERS, DLQ,
        KafkaSecurity.scram("seckill-stock-service", passwords.get("seckill-stock-service")));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(stock.clientProperties(Map.of(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000)), new StringSerializer(), new StringSerializer())) {
      // Idempotent by default: refused at InitProducerId (cluster), or at the topic with idempotence off. The refusal
      // reaches the caller through the send's future, or — when InitProducerId failed before send() ran — from send()
      // itself ("in an error state", with the refusal as its cause): either way nothing is produced.
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(ORDERS, "forged", "order")).get(10, TimeUnit.SECONDS))
          .isInstanceOfAny(ExecutionException.class, org.apache.kafka.common.KafkaException.class)
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.AuthorizationException.class);
    }
  }

  private static Map<String, String> scram(String user) {
    return Map.of("SECKILL_KAFKA_BOOTSTRAP", broker.scramBootstrap(),
        "SECKILL_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
        "SECKILL_KAFKA_SASL_USERNAME", user,
        "SECKILL_KAFKA_SASL_PASSWORD", passwords.get(user));
  }

  /** The KafkaUser documents of the manifests. */
  private static List<JsonNode> kafkaUsers() throws Exception {
    Path file = io.seckill.testing.RedisAclUsers.rulesFile().resolveSibling("kafka-users.yaml");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<JsonNode> users = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(Files.readString(file))) {
      for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
        if ("KafkaUser".equals(doc.path("kind").asText())) {
          users.add(doc);
        }
      }
    }
    assertThat(users).extracting(u -> u.at("/metadata/name").asText())
        .contains("seckill-gateway", "seckill-order-consumer", "seckill-stock-service");
    return users;
  }
}
