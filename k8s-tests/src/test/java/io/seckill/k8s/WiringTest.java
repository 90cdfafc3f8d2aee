package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.seckill.common.config.Env;
import io.seckill.common.config.PgSettings;
import io.seckill.common.config.RedisSettings;
import io.seckill.common.kafka.KafkaSettings;
import io.seckill.common.warmup.WarmUpSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every reference resolves, every service gets what it reads, and the addresses lead to real objects. */
class WiringTest {
  private static final List<String> EVERY_SERVICE_READS = List.of("SECKILL_REDIS_URL", "SECKILL_PG_URL",
      "SECKILL_KAFKA_BOOTSTRAP", "SECKILL_MANAGEMENT_PORT", "SECKILL_REDIS_POOL_SIZE",
      "SECKILL_PG_POOL_SIZE", "SECKILL_ORDERS_TOPIC");
  private static final Map<String, List<String>> SERVICE_ALSO_READS = Map.of(
      "gateway", List.of("SECKILL_JWT_SECRET", "SECKILL_CANCEL_TOKEN", "SECKILL_STOCK_SERVICE_URL", "SECKILL_EVENT_LOOPS"),
      "stock-service", List.of("SECKILL_ADMIN_TOKEN", "SECKILL_CANCEL_TOKEN", "SECKILL_PAYMENT_SECRET",
          "SECKILL_CONSUMER_GROUP"),
      "order-consumer", List.of("SECKILL_CONSUMER_GROUP", "SECKILL_CONSUMER_THREADS", "SECKILL_CONSUMER_MAX_BATCH",
          "SECKILL_ORDERS_DLQ_TOPIC"));

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyReferencedConfigMapAndSecretKeyIsRenderedOrListedAsOperatorProvided(String overlay) throws IOException {
    Manifests manifests = Manifests.of(overlay);
    Set<String> operatorProvided = operatorProvidedSecretKeys();
    Set<String> used = new HashSet<>();
    for (Workload w : Workload.all(manifests)) {
      for (Container c : w.containers()) {
        for (EnvVar var : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
          if (var.getValueFrom() == null) {
            continue;
          }
          var cm = var.getValueFrom().getConfigMapKeyRef();
          if (cm != null) {
            assertConfigMapKey(manifests, w, cm.getName(), cm.getKey());
          }
          var secret = var.getValueFrom().getSecretKeyRef();
          if (secret != null) {
            String ref = secret.getName() + " " + secret.getKey();
            assertThat(operatorProvided).as("%s %s: secret key %s is in k8s/operator-provided-secrets.txt", overlay,
                w.id(), ref).contains(ref);
            used.add(ref);
          }
        }
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
          assertThat(from.getSecretRef()).as("%s: whole secrets are not imported; name each key", w.id()).isNull();
          manifests.one("ConfigMap", from.getConfigMapRef().getName());
        }
      }
      for (Volume v : w.pod().getVolumes() == null ? List.<Volume>of() : w.pod().getVolumes()) {
        if (v.getConfigMap() != null) {
          manifests.one("ConfigMap", v.getConfigMap().getName());
          for (KeyToPath item : v.getConfigMap().getItems() == null ? List.<KeyToPath>of() : v.getConfigMap().getItems()) {
            assertConfigMapKey(manifests, w, v.getConfigMap().getName(), item.getKey());
          }
        }
        assertThat(v.getSecret()).as("%s: secret volumes are not used", w.id()).isNull();
      }
    }
    Set<String> expected = new HashSet<>(operatorProvided);
    if (manifests.ofKind("StatefulSet").stream().noneMatch(s -> Manifests.name(s).equals("redis-cluster"))) {
      expected.removeAll(redisClusterOnlySecretKeys());
    }
    assertThat(used).as("%s: operator-provided keys nobody reads (stale list entries)", overlay)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void eachServiceGetsEveryVariableItReadsAndTheValuesPassTheServicesOwnValidation(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    for (String service : Workload.SERVICES.keySet()) {
      Workload w = Workload.named(manifests, service);
      Map<String, String> env = ContainerEnvironment.resolve(manifests, w.mainContainer());
      assertThat(env).as("%s %s environment", overlay, service).containsKeys(EVERY_SERVICE_READS.toArray(String[]::new))
          .containsKeys(SERVICE_ALSO_READS.get(service).toArray(String[]::new));
      if (!"stock-service".equals(service)) {
        assertThat(env).as("%s %s: only stock-service holds the operators' token", overlay, service)
            .doesNotContainKey("SECKILL_ADMIN_TOKEN");
      }
      assertThat(Integer.parseInt(env.get("SECKILL_MANAGEMENT_PORT"))).as("%s listens where its probes look", service)
          .isEqualTo(Workload.SERVICES.get(service));
      Integer api = Workload.PUBLIC_PORTS.get(service);
      if (api == null) {
        assertThat(env).as("%s has no public server: SECKILL_HTTP_PORT would be a stale setting", service)
            .doesNotContainKey("SECKILL_HTTP_PORT");
      } else {
        assertThat(Integer.parseInt(env.get("SECKILL_HTTP_PORT"))).as("%s API port", service).isEqualTo(api);
      }
      Env parsed = Env.of(env);
      assertThatCode(() -> {
        RedisSettings.from(parsed);
        PgSettings.from(parsed, 4);
        KafkaSettings.from(parsed);
        parsed.integer("SECKILL_EVENT_LOOPS", 1, 1, 256);
        parsed.integer("SECKILL_REDIS_POOL_SIZE", 1, 1, 1024);
      }).as("%s %s configuration", overlay, service).doesNotThrowAnyException();
      URI pg = URI.create(env.get("SECKILL_PG_URL"));
      assertThat(pg.getUserInfo()).as("%s PG credentials come from the CloudNativePG secret", service)
          .isEqualTo(ContainerEnvironment.SECRET_PLACEHOLDER + ":" + ContainerEnvironment.SECRET_PLACEHOLDER);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void gatewayRunsOneEventLoopPerRequestedCore(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Container gateway = Workload.named(manifests, "gateway").mainContainer();
    double cores = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
        gateway.getResources().getRequests().get("cpu")).doubleValue();
    int loops = Integer.parseInt(ContainerEnvironment.resolve(manifests, gateway).get("SECKILL_EVENT_LOOPS"));
    // More loops than cores only adds context switches to the hot path; fewer leaves cores idle.
    assertThat(loops).as("%s gateway event loops for %.2f requested cores", overlay, cores)
        .isEqualTo(Math.max(1, (int) Math.ceil(cores)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void connectionSettingsLeadToTheObjectsThatServeThem(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, String> gateway = ContainerEnvironment.resolve(manifests, Workload.named(manifests, "gateway").mainContainer());
    Map<String, String> stock = ContainerEnvironment.resolve(manifests,
        Workload.named(manifests, "stock-service").mainContainer());

    if (RedisSettings.from(Env.of(gateway)).mode() == RedisSettings.Mode.CLUSTER) {
      // Redis Cluster: one seed per pod of the StatefulSet, <statefulset>-<i>.<headless service>:<redis port>.
      StatefulSet nodes = RedisClusterTest.clusterSet(manifests);
      JsonNode nodesService = manifests.one("Service", nodes.getSpec().getServiceName());
      assertThat(nodesService.at("/spec/clusterIP").asString("")).as("governing Service is headless").isEqualTo("None");
      assertThat(RedisSettings.from(Env.of(gateway)).urls())
          .containsExactlyElementsOf(RedisClusterTest.nodeAddresses(manifests, nodes).stream().map(n -> "redis://" + n).toList());
    } else {
      // Redis: <statefulset>-0.<headless service>, on the Service's redis port.
      JsonNode redisSet = manifests.one("StatefulSet", "redis");
      URI redis = URI.create(gateway.get("SECKILL_REDIS_URL"));
      String governing = redisSet.at("/spec/serviceName").asString();
      assertThat(redis.getHost()).isEqualTo("redis-0." + governing);
      JsonNode redisService = manifests.one("Service", governing);
      assertThat(redisService.at("/spec/clusterIP").asString("")).as("governing Service is headless").isEqualTo("None");
      assertThat(redisService.at("/spec/ports").valueStream().map(p -> Manifests.integer(p.path("port"))))
          .contains(redis.getPort());
    }

    // Kafka: Strimzi's bootstrap Service for the plain listener.
    JsonNode kafka = manifests.ofKind("Kafka").get(0);
    JsonNode plain = kafka.at("/spec/kafka/listeners").valueStream()
        .filter(l -> !l.path("tls").asBoolean(false)).findFirst().orElseThrow();
    String bootstrap = Manifests.name(kafka) + "-kafka-bootstrap:" + Manifests.integer(plain.path("port"));
    assertThat(gateway.get("SECKILL_KAFKA_BOOTSTRAP")).isEqualTo(bootstrap);
    JsonNode scaled = manifests.one("ScaledObject", "order-consumer").at("/spec/triggers/0/metadata");
    String namespace = kafka.at("/metadata/namespace").asString();
    assertThat(scaled.path("bootstrapServers").asString()).as("KEDA runs in its own namespace: it needs the FQDN")
        .isEqualTo(bootstrap.replace(":", "." + namespace + ".svc:"));

    // PostgreSQL: hot paths through the Pooler, stock-service to the primary, both to the initdb database.
    JsonNode cluster = manifests.ofKind("Cluster").get(0);
    JsonNode pooler = manifests.ofKind("Pooler").get(0);
    assertThat(pooler.at("/spec/cluster/name").asString()).isEqualTo(Manifests.name(cluster));
    assertThat(pooler.at("/spec/pgbouncer/poolMode").asString()).isEqualTo("transaction");
    URI viaPooler = URI.create(gateway.get("SECKILL_PG_URL"));
    URI direct = URI.create(stock.get("SECKILL_PG_URL"));
    assertThat(viaPooler.getHost()).isEqualTo(Manifests.name(pooler));
    assertThat(direct.getHost()).isEqualTo(Manifests.name(cluster) + "-rw");
    String database = "/" + cluster.at("/spec/bootstrap/initdb/database").asString();
    assertThat(viaPooler.getPath()).isEqualTo(database);
    assertThat(direct.getPath()).isEqualTo(database);
    assertThat(operatorProvidedSecretNames()).as("the app secret CloudNativePG creates")
        .contains(Manifests.name(cluster) + "-app");

    // Gateway → stock-service over its Service.
    URI stockUrl = URI.create(gateway.get("SECKILL_STOCK_SERVICE_URL"));
    JsonNode stockService = manifests.one("Service", stockUrl.getHost());
    assertThat(Manifests.integer(stockService.at("/spec/ports/0/port"))).isEqualTo(stockUrl.getPort());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void kedaScalesTheConsumerOnItsOwnGroupAndTopicAndNeverPastThePartitionCount(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, String> env = ContainerEnvironment.resolve(manifests,
        Workload.named(manifests, "order-consumer").mainContainer());
    JsonNode scaled = manifests.one("ScaledObject", "order-consumer");
    JsonNode trigger = scaled.at("/spec/triggers/0");
    assertThat(trigger.path("type").asString()).isEqualTo("kafka");
    assertThat(trigger.at("/metadata/consumerGroup").asString()).isEqualTo(env.get("SECKILL_CONSUMER_GROUP"))
        .isEqualTo("seckill-order-consumer");
    assertThat(trigger.at("/metadata/topic").asString()).isEqualTo(env.get("SECKILL_ORDERS_TOPIC"))
        .isEqualTo("seckill.orders");
    assertThat(Integer.parseInt(trigger.at("/metadata/lagThreshold").asString())).isPositive();

    JsonNode topic = topicNamed(manifests, "seckill.orders");
    int partitions = Manifests.integer(topic.at("/spec/partitions"));
    int min = Manifests.integer(scaled.at("/spec/minReplicaCount"));
    int max = Manifests.integer(scaled.at("/spec/maxReplicaCount"));
    assertThat(min).as("%s never scales the consumer to zero", overlay).isPositive();
    assertThat(max).as("%s KEDA max vs %d partitions", overlay, partitions).isBetween(min, partitions);
    topicNamed(manifests, env.get("SECKILL_ORDERS_DLQ_TOPIC"));
  }

  /**
   * The gateway creates its warm-up topic when it is missing, but its KafkaUser may only write to it: without a
   * KafkaTopic the warm-up's orders would all be refused and the Kafka hand-off never warmed up.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void theWarmUpTopicIsDeclaredAndTheWarmUpsMayUseIt(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, List<String>> needs = Map.of("gateway", List.of("Write", "Describe"),
        "order-consumer", List.of("Read", "Write", "Describe"));
    for (Map.Entry<String, List<String>> workload : needs.entrySet()) {
      Map<String, String> env = ContainerEnvironment.resolve(manifests,
          Workload.named(manifests, workload.getKey()).mainContainer());
      String warmUpTopic = env.getOrDefault("SECKILL_WARMUP_TOPIC", WarmUpSettings.DEFAULT_TOPIC);
      JsonNode topic = topicNamed(manifests, warmUpTopic);
      assertThat(Long.parseLong(topic.at("/spec/config/retention.ms").asString()))
          .as("%s: the warm-up topic need not keep a week", overlay).isLessThanOrEqualTo(86_400_000L);
      JsonNode user = manifests.one("KafkaUser", "seckill-" + workload.getKey());
      assertThat(user.at("/spec/authorization/acls").valueStream()
          .filter(acl -> acl.at("/resource/name").asString().equals(warmUpTopic))
          .flatMap(acl -> acl.at("/operations").valueStream()).map(JsonNode::asString))
          .as("%s: the %s's ACLs on %s", overlay, workload.getKey(), warmUpTopic)
          .containsAll(workload.getValue());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void topicsAreReplicatedSoThatOneBrokerCanBeDownWithoutLosingAcknowledgedOrders(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    String kafkaName = Manifests.name(manifests.ofKind("Kafka").get(0));
    int brokers = manifests.ofKind("KafkaNodePool").stream()
        .filter(p -> p.at("/metadata/labels/strimzi.io~1cluster").asString().equals(kafkaName))
        .filter(p -> p.at("/spec/roles").valueStream().anyMatch(r -> r.asString().equals("broker")))
        .mapToInt(p -> Manifests.integer(p.at("/spec/replicas"))).sum();
    JsonNode annotations = manifests.one("Kafka", kafkaName).at("/metadata/annotations");
    assertThat(annotations.path("strimzi.io/node-pools").asString("")).isEqualTo("enabled");
    assertThat(annotations.path("strimzi.io/kraft").asString("")).isEqualTo("enabled");
    for (JsonNode topic : manifests.ofKind("KafkaTopic")) {
      assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asString()).isEqualTo(kafkaName);
      int replicas = Manifests.integer(topic.at("/spec/replicas"));
      int minIsr = Manifests.integer(topic.at("/spec/config/min.insync.replicas"));
      assertThat(replicas).as("%s %s replicas vs %d brokers", overlay, Manifests.name(topic), brokers)
          .isBetween(1, brokers);
      if (replicas == 1) {
        assertThat(minIsr).isEqualTo(1);
      } else {
        assertThat(minIsr).as("%s %s min.insync.replicas", overlay, Manifests.name(topic)).isBetween(2, replicas - 1);
      }
    }
  }

  private static JsonNode topicNamed(Manifests manifests, String topicName) {
    return manifests.ofKind("KafkaTopic").stream()
        .filter(t -> t.at("/spec/topicName").asString().equals(topicName)).findFirst()
        .orElseThrow(() -> new AssertionError(manifests.overlay() + ": no KafkaTopic for " + topicName));
  }

  private static void assertConfigMapKey(Manifests manifests, Workload w, String configMap, String key) {
    assertThat(manifests.one("ConfigMap", configMap).path("data").has(key))
        .as("%s %s: ConfigMap %s has key %s", manifests.overlay(), w.id(), configMap, key).isTrue();
  }

  /** "secret-name key" pairs from k8s/operator-provided-secrets.txt. */
  static Set<String> operatorProvidedSecretKeys() throws IOException {
    return Files.readAllLines(Manifests.repoRoot().resolve("k8s/operator-provided-secrets.txt")).stream()
        .map(line -> line.replaceFirst("#.*", "").trim()).filter(line -> !line.isEmpty())
        .map(line -> String.join(" ", line.split("\\s+"))).collect(Collectors.toSet());
  }

  /** Entries read only by the Redis Cluster component (their comment says "Redis Cluster component only"). */
  static Set<String> redisClusterOnlySecretKeys() throws IOException {
    return Files.readAllLines(Manifests.repoRoot().resolve("k8s/operator-provided-secrets.txt")).stream()
        .filter(line -> line.contains("Redis Cluster component only"))
        .map(line -> String.join(" ", line.replaceFirst("#.*", "").trim().split("\\s+"))).collect(Collectors.toSet());
  }

  private static Set<String> operatorProvidedSecretNames() {
    try {
      return operatorProvidedSecretKeys().stream().map(k -> k.split(" ")[0]).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
