package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.seckill.common.config.Env;
import io.seckill.common.kafka.KafkaSettings;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Each service logs in to Kafka (a Strimzi KafkaUser, SCRAM-SHA-512) and to Redis (an ACL user of
 * k8s/base/data/redis-acl.conf) as itself, with the password from its own Secret; each KafkaUser's ACLs are exactly
 * what its client does; the Kafka listener lets nobody in without SCRAM; Redis loads the rules file that
 * system-tests' RedisAclTest runs the services against, with the default user off.
 */
class ServiceCredentialsTest {
  private static final String ORDERS = "seckill.orders";
  private static final String DLQ = "seckill.orders.dlq";
  private static final String WARMUP = "seckill.orders.warmup";
  private static final String GROUP = "seckill-order-consumer";
  /** type:name:patternType:operation, per KafkaUser. */
  private static final Map<String, Set<String>> ACLS = Map.of(
      "seckill-gateway", Set.of(acl("topic", ORDERS, "Write"), acl("topic", ORDERS, "Describe"),
          acl("topic", WARMUP, "Write"), acl("topic", WARMUP, "Describe")),
      "seckill-order-consumer", Set.of(acl("topic", ORDERS, "Read"), acl("topic", ORDERS, "Describe"),
          acl("group", GROUP, "Read"), acl("group", GROUP, "Describe"),
          acl("topic", DLQ, "Write"), acl("topic", DLQ, "Describe"),
          // Its start-up warm-up produces to the warm-up topic and reads back, in no group.
          acl("topic", WARMUP, "Read"), acl("topic", WARMUP, "Write"), acl("topic", WARMUP, "Describe")),
      "seckill-stock-service", Set.of(acl("topic", ORDERS, "Describe"), acl("group", GROUP, "Describe")));
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Set<String> NEVER = Set.of("+@all", "allcommands", "+@dangerous", "+@admin", "+flushall",
      "+flushdb", "+keys", "+config", "+config|set", "+debug", "+shutdown", "+acl", "+module", "+eval", "nopass",
      "allkeys", "~*", "allchannels", "&*");

  private static String acl(String type, String name, String operation) {
    return type + ":" + name + ":literal:" + operation;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void eachServiceLogsInAsItsOwnKafkaAndRedisUserWithThePasswordFromItsOwnSecret(String overlay) throws Exception {
    Manifests manifests = Manifests.of(overlay);
    Set<String> redisUsers = redisRules().keySet();
    for (String service : Workload.SERVICES.keySet()) {
      Container c = Workload.named(manifests, service).mainContainer();
      Map<String, EnvVar> env = new HashMap<>();
      c.getEnv().forEach(e -> env.put(e.getName(), e));
      String user = "seckill-" + service;

      assertThat(env.get("SECKILL_KAFKA_SASL_USERNAME").getValue()).as("%s %s Kafka user", overlay, service).isEqualTo(user);
      assertSecret(env, "SECKILL_KAFKA_SASL_PASSWORD", user, "password", overlay + " " + service);
      JsonNode kafkaUser = manifests.one("KafkaUser", user);
      assertThat(kafkaUser.at("/metadata/labels/strimzi.io~1cluster").asString(""))
          .isEqualTo(Manifests.name(manifests.ofKind("Kafka").get(0)));

      assertThat(env.get("SECKILL_REDIS_USERNAME").getValue()).as("%s %s Redis user", overlay, service).isEqualTo(user);
      assertThat(redisUsers).contains(user);
      assertSecret(env, "SECKILL_REDIS_PASSWORD", "seckill-redis-" + service, "password", overlay + " " + service);

      KafkaSettings kafka = KafkaSettings.from(Env.of(ContainerEnvironment.resolve(manifests, c)));
      assertThat(kafka.security().protocol()).as("%s %s", overlay, service).startsWith("SASL_");
      assertThat(kafka.security().mechanism()).isEqualTo("SCRAM-SHA-512");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void eachKafkaUsersAclsAreExactlyWhatItsClientDoesOnTheConfiguredTopicsAndGroup(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, Set<String>> rendered = new HashMap<>();
    for (JsonNode user : manifests.ofKind("KafkaUser")) {
      assertThat(user.at("/spec/authentication/type").asString("")).isEqualTo("scram-sha-512");
      assertThat(user.at("/spec/authorization/type").asString("")).isEqualTo("simple");
      Set<String> acls = new HashSet<>();
      for (JsonNode a : user.at("/spec/authorization/acls")) {
        assertThat(a.path("type").asString("allow")).isEqualTo("allow");
        for (JsonNode op : a.path("operations")) {
          acls.add(a.at("/resource/type").asString() + ":" + a.at("/resource/name").asString() + ":"
              + a.at("/resource/patternType").asString() + ":" + op.asString());
        }
      }
      rendered.put(Manifests.name(user), acls);
    }
    assertThat(rendered).as("%s KafkaUsers and their ACLs", overlay).isEqualTo(ACLS);

    // The names in the ACLs are the ones the services are configured with.
    Map<String, String> gateway = ContainerEnvironment.resolve(manifests, Workload.named(manifests, "gateway").mainContainer());
    Map<String, String> consumer = ContainerEnvironment.resolve(manifests,
        Workload.named(manifests, "order-consumer").mainContainer());
    assertThat(gateway.get("SECKILL_ORDERS_TOPIC")).isEqualTo(ORDERS);
    assertThat(gateway.getOrDefault("SECKILL_WARMUP_TOPIC", WARMUP)).isEqualTo(WARMUP);
    assertThat(consumer.get("SECKILL_ORDERS_DLQ_TOPIC")).isEqualTo(DLQ);
    assertThat(consumer.get("SECKILL_CONSUMER_GROUP")).isEqualTo(GROUP);
    assertThat(consumer.getOrDefault("SECKILL_WARMUP_TOPIC", WARMUP)).isEqualTo(WARMUP);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void theKafkaListenersRequireScramAndKedaLogsInAsTheConsumer(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    JsonNode kafka = manifests.ofKind("Kafka").get(0);
    assertThat(kafka.at("/spec/kafka/listeners").size()).isPositive();
    for (JsonNode listener : kafka.at("/spec/kafka/listeners")) {
      assertThat(listener.at("/authentication/type").asString("")).as("%s listener %s", overlay,
          listener.path("name").asString()).isEqualTo("scram-sha-512");
    }
    assertThat(kafka.at("/spec/kafka/authorization/type").asString("")).isEqualTo("simple");

    for (JsonNode scaled : manifests.ofKind("ScaledObject")) {
      for (JsonNode trigger : scaled.at("/spec/triggers")) {
        if (!"kafka".equals(trigger.path("type").asString(""))) {
          continue;
        }
        assertThat(trigger.at("/metadata/sasl").asString("")).isEqualTo("scram_sha512");
        JsonNode auth = manifests.one("TriggerAuthentication", trigger.at("/authenticationRef/name").asString());
        Map<String, String> refs = new HashMap<>();
        for (JsonNode ref : auth.at("/spec/env")) {
          refs.put(ref.path("parameter").asString(), ref.path("containerName").asString() + "/"
              + ref.path("name").asString());
        }
        String target = scaled.at("/spec/scaleTargetRef/name").asString();
        assertThat(refs).containsEntry("username", target + "/SECKILL_KAFKA_SASL_USERNAME")
            .containsEntry("password", target + "/SECKILL_KAFKA_SASL_PASSWORD");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void redisLoadsTheRulesFileTheAclTestUsesWithTheDefaultUserOffAndEveryPasswordFromASecret(String overlay)
      throws Exception {
    Manifests manifests = Manifests.of(overlay);
    JsonNode configMap = manifests.ofKind("ConfigMap").stream().filter(c -> Manifests.name(c).startsWith("redis-acl-"))
        .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no ConfigMap redis-acl"));
    String rendered = configMap.at("/data/redis-acl.conf").asString();
    // The file system-tests' RedisAclTest applies to the local Redis (test-fixtures RedisAclUsers.rulesFile()).
    assertThat(rendered).isEqualTo(Files.readString(Manifests.repoRoot().resolve("k8s/base/data/redis-acl.conf")));

    Workload redis = manifests.ofKind("StatefulSet").stream().map(Manifests::name)
        .filter(n -> n.equals("redis") || n.equals("redis-cluster")).map(n -> Workload.named(manifests, n))
        .findFirst().orElseThrow();
    assertThat(redis.pod().getVolumes()).extracting(Volume::getConfigMap).filteredOn(java.util.Objects::nonNull)
        .extracting(c -> c.getName()).contains(Manifests.name(configMap));
    Container server = redis.pod().getContainers().get(0);
    String start = String.join(" ", server.getCommand()) + " " + server.getEnv().stream()
        .filter(e -> e.getValue() != null).map(EnvVar::getValue).reduce("", String::concat);
    assertThat(start).as("%s Redis starts with the rendered ACL file", overlay).containsAnyOf("--aclfile",
        "/usr/local/etc/redis-acl/redis-acl.conf");

    Set<String> needed = new HashSet<>();
    String templates = rendered + (redis.name().equals("redis-cluster")
        ? manifests.one("ConfigMap", "redis-cluster-config").at("/data/cluster-acl.conf").asString() : "");
    Matcher m = PLACEHOLDER.matcher(templates.lines().filter(l -> !l.strip().startsWith("#"))
        .collect(java.util.stream.Collectors.joining("\n")));
    while (m.find()) {
      needed.add(m.group(1));
    }
    for (String variable : needed) {
      EnvVar e = server.getEnv().stream().filter(v -> v.getName().equals(variable)).findFirst()
          .orElseThrow(() -> new AssertionError(overlay + ": Redis has no " + variable));
      assertThat(e.getValueFrom().getSecretKeyRef()).as("%s %s comes from a Secret", overlay, variable).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void theRulesGiveNoUserADangerousCommandAndEachServiceOnlyTheSeckillKeys(String overlay) throws Exception {
    Map<String, List<String>> rules = redisRules();
    assertThat(rules.get("default")).as("the default user").contains("off", "-@all").doesNotContain("on", "nopass");
    for (Map.Entry<String, List<String>> user : rules.entrySet()) {
      assertThat(user.getValue()).as("%s rules", user.getKey()).doesNotContainAnyElementsOf(NEVER);
      assertThat(user.getValue().stream().filter(r -> r.startsWith("+") || r.startsWith("-")).findFirst())
          .as("%s starts from nothing", user.getKey()).contains("-@all");
    }
    for (String service : Workload.SERVICES.keySet()) {
      List<String> r = rules.get("seckill-" + service);
      assertThat(r.stream().filter(t -> t.startsWith("~"))).as(service + " keys").containsExactly("~seckill:*");
      assertThat(r.stream().filter(t -> t.startsWith("&"))).as(service + " channels")
          .isSubsetOf("&seckill:restock");
    }
  }

  private static void assertSecret(Map<String, EnvVar> env, String name, String secret, String key, String where) {
    SecretKeySelector ref = env.get(name).getValueFrom().getSecretKeyRef();
    assertThat(ref.getName() + "/" + ref.getKey()).as("%s %s", where, name).isEqualTo(secret + "/" + key);
  }

  private static Map<String, List<String>> redisRules() throws Exception {
    Map<String, List<String>> rules = new HashMap<>();
    for (String line : Files.readAllLines(Manifests.repoRoot().resolve("k8s/base/data/redis-acl.conf"))) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      List<String> tokens = List.of(t.split("\\s+"));
      assertThat(tokens.get(0)).isEqualTo("user");
      rules.put(tokens.get(1), tokens.subList(2, tokens.size()));
    }
    return rules;
  }
}
