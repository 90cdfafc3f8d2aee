package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.seckill.k8s.NetworkPolicies.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered NetworkPolicies of every overlay, evaluated (NetworkPolicies) on the pods the overlay
 * renders plus the pods the operators and the cluster add (their real labels and ports): every path
 * the system needs passes, and the paths it must not have are denied.
 */
class NetworkPolicyTest {
  private static final String TCP = "TCP";
  private static final String UDP = "UDP";

  /** A connection: from, to, port, protocol. */
  record Path(String from, String to, int port, String protocol) {
    @Override
    public String toString() {
      return from + " -> " + to + ":" + port + "/" + protocol;
    }
  }

  /** Every endpoint of the test world, by name: the overlay's own pods and the ones around them. */
  static Map<String, Endpoint> world(Manifests manifests) {
    Map<String, Endpoint> world = new LinkedHashMap<>();
    int ip = 1;
    for (Workload w : Workload.all(manifests)) {
      List<ContainerPort> ports = new ArrayList<>();
      w.containers().forEach(c -> Optional.ofNullable(c.getPorts()).ifPresent(ports::addAll));
      world.put(w.name(), Endpoint.pod(w.name(), NetworkPolicies.NAMESPACE, w.podLabels(), "10.244.1." + ip++,
          ports.toArray(ContainerPort[]::new)));
    }
    // Made by the operators in this namespace (not rendered): the labels and ports they really use.
    Map<String, String> strimzi = Map.of("strimzi.io/cluster", "seckill-kafka", "strimzi.io/kind", "Kafka");
    world.put("kafka", Endpoint.pod("seckill-kafka-dual-role-0", NetworkPolicies.NAMESPACE,
        with(strimzi, "strimzi.io/name", "seckill-kafka-kafka", "strimzi.io/pool-name", "dual-role",
            "strimzi.io/broker-role", "true", "strimzi.io/controller-role", "true"), "10.244.3.1",
        port("tcp-ctrlplane", 9090), port("tcp-replication", 9091), port("tcp-kafkaagent", 8443),
        port("tcp-clients", 9092)));
    world.put("entity-operator", Endpoint.pod("seckill-kafka-entity-operator", NetworkPolicies.NAMESPACE,
        with(strimzi, "strimzi.io/name", "seckill-kafka-entity-operator"), "10.244.3.2", port("healthcheck", 8080)));
    world.put("kafka-exporter", Endpoint.pod("seckill-kafka-kafka-exporter", NetworkPolicies.NAMESPACE,
        with(strimzi, "strimzi.io/name", "seckill-kafka-kafka-exporter"), "10.244.3.3",
        port("tcp-prometheus", 9404)));
    world.put("postgres", Endpoint.pod("seckill-pg-1", NetworkPolicies.NAMESPACE,
        Map.of("cnpg.io/cluster", "seckill-pg", "cnpg.io/podRole", "instance", "cnpg.io/instanceRole", "primary",
            "role", "primary"), "10.244.3.4", port("postgresql", 5432), port("status", 8000), port("metrics", 9187)));
    world.put("pooler", Endpoint.pod("seckill-pg-pooler-rw-x", NetworkPolicies.NAMESPACE,
        Map.of("cnpg.io/cluster", "seckill-pg", "cnpg.io/poolerName", "seckill-pg-pooler-rw",
            "cnpg.io/podRole", "pooler"), "10.244.3.5", port("pgbouncer", 5432), port("metrics", 9127)));
    // Any other pod someone starts in the namespace (a debug shell, a compromised workload).
    world.put("stranger", Endpoint.pod("debug", NetworkPolicies.NAMESPACE, Map.of("run", "debug"), "10.244.3.6"));
    // Around the namespace.
    world.put("ingress-nginx", Endpoint.pod("ingress-nginx-controller", "ingress-nginx",
        Map.of("app.kubernetes.io/name", "ingress-nginx", "app.kubernetes.io/component", "controller"),
        "10.244.2.1"));
    world.put("prometheus", Endpoint.pod("prometheus-0", "monitoring",
        Map.of("app.kubernetes.io/name", "prometheus", "prometheus", "kube-prometheus-stack-prometheus"),
        "10.244.2.2"));
    world.put("kube-dns", Endpoint.pod("coredns", "kube-system", Map.of("k8s-app", "kube-dns"), "10.244.2.3",
        port("dns", 53, UDP), port("dns-tcp", 53)));
    world.put("strimzi-operator", Endpoint.pod("strimzi-cluster-operator", "strimzi",
        Map.of("name", "strimzi-cluster-operator", "strimzi.io/kind", "cluster-operator"), "10.244.2.4"));
    world.put("cnpg-operator", Endpoint.pod("cnpg-controller-manager", "cnpg-system",
        Map.of("app.kubernetes.io/name", "cloudnative-pg"), "10.244.2.5"));
    world.put("keda-operator", Endpoint.pod("keda-operator", "keda",
        Map.of("app", "keda-operator", "name", "keda-operator"), "10.244.2.6")); // kedacore/keda v2.20.2 config/manager
    // Another tenant's pod wearing our labels: labels alone must not let it in.
    world.put("impostor", Endpoint.pod("gateway-lookalike", "other-team",
        Map.of("app.kubernetes.io/name", "gateway", "app.kubernetes.io/part-of", "seckill"), "10.244.4.1",
        port("https", 443)));
    world.put("kube-apiserver", Endpoint.external("kube-apiserver", "172.18.0.2"));
    world.put("identity-provider", Endpoint.external("identity-provider", "203.0.113.10"));
    world.put("payment-provider", Endpoint.external("payment-provider", "198.51.100.20"));
    // An address inside the cluster's private ranges that is no pod (a node, a cloud metadata proxy).
    world.put("private-address", Endpoint.external("private-address", "10.0.0.10"));
    return world;
  }

  /** The Redis the overlay runs: the single StatefulSet redis, or the cluster's redis-cluster. */
  static String redis(Map<String, Endpoint> world) {
    return world.containsKey("redis-cluster") ? "redis-cluster" : "redis";
  }

  static List<Path> required(Map<String, Endpoint> world) {
    String redis = redis(world);
    List<Path> paths = new ArrayList<>(List.of(
        // Shoppers and the payment provider, through the ingress controller.
        new Path("ingress-nginx", "gateway", 8080, TCP),
        new Path("ingress-nginx", "stock-service", 8081, TCP),
        // Prometheus: the management ports and the exporters.
        new Path("prometheus", "gateway", 9080, TCP),
        new Path("prometheus", "stock-service", 9081, TCP),
        new Path("prometheus", "order-consumer", 9082, TCP),
        new Path("prometheus", redis, 9121, TCP),
        new Path("prometheus", "kafka-exporter", 9404, TCP),
        new Path("prometheus", "postgres", 9187, TCP),
        new Path("prometheus", "pooler", 9127, TCP),
        // gateway
        new Path("gateway", redis, 6379, TCP),
        new Path("gateway", "kafka", 9092, TCP),
        new Path("gateway", "pooler", 5432, TCP),
        new Path("gateway", "stock-service", 8081, TCP),
        new Path("gateway", "identity-provider", 443, TCP),
        // order-consumer
        new Path("order-consumer", "kafka", 9092, TCP),
        new Path("order-consumer", "pooler", 5432, TCP),
        new Path("order-consumer", redis, 6379, TCP),
        // stock-service
        new Path("stock-service", "postgres", 5432, TCP),
        new Path("stock-service", redis, 6379, TCP),
        new Path("stock-service", "kafka", 9092, TCP),
        new Path("stock-service", "payment-provider", 443, TCP),
        // Kafka and Strimzi
        new Path("kafka", "kafka", 9090, TCP),
        new Path("kafka", "kafka", 9091, TCP),
        new Path("strimzi-operator", "kafka", 9090, TCP),
        new Path("strimzi-operator", "kafka", 9091, TCP),
        new Path("strimzi-operator", "kafka", 8443, TCP),
        new Path("entity-operator", "kafka", 9091, TCP),
        new Path("entity-operator", "kube-apiserver", 6443, TCP),
        new Path("kafka-exporter", "kafka", 9091, TCP),
        new Path("keda-operator", "kafka", 9092, TCP),
        // PostgreSQL and CloudNativePG
        new Path("postgres", "postgres", 5432, TCP),
        new Path("postgres", "postgres", 8000, TCP),
        new Path("cnpg-operator", "postgres", 8000, TCP),
        new Path("pooler", "postgres", 5432, TCP),
        new Path("postgres", "kube-apiserver", 6443, TCP),
        new Path("pooler", "kube-apiserver", 443, TCP)));
    if (redis.equals("redis-cluster")) {
      paths.add(new Path("redis-cluster", "redis-cluster", 6379, TCP));
      paths.add(new Path("redis-cluster", "redis-cluster", 16379, TCP));
      paths.add(new Path("redis-cluster-bootstrap", "redis-cluster", 6379, TCP));
    }
    // Every pod of the namespace resolves names.
    world.values().stream().filter(e -> NetworkPolicies.NAMESPACE.equals(e.namespace()))
        .forEach(e -> {
          String name = nameOf(world, e);
          paths.add(new Path(name, "kube-dns", 53, UDP));
          paths.add(new Path(name, "kube-dns", 53, TCP));
        });
    return paths;
  }

  static List<Path> forbidden(Map<String, Endpoint> world) {
    String redis = redis(world);
    List<Path> paths = new ArrayList<>(List.of(
        // Nothing calls stock-service but the gateway and the ingress controller.
        new Path("order-consumer", "stock-service", 8081, TCP),
        new Path("stranger", "stock-service", 8081, TCP),
        new Path("impostor", "stock-service", 8081, TCP),
        // Labels from another namespace do not count: no PostgreSQL, no Kafka, no Redis for it.
        new Path("impostor", "pooler", 5432, TCP),
        new Path("impostor", "postgres", 5432, TCP),
        new Path("impostor", "kafka", 9092, TCP),
        new Path("impostor", redis, 6379, TCP),
        // The services reach PostgreSQL the one way each is meant to.
        new Path("gateway", "postgres", 5432, TCP),
        new Path("order-consumer", "postgres", 5432, TCP),
        new Path("stock-service", "pooler", 5432, TCP),
        // Management ports are for Prometheus, not the public edge; order-consumer has no public port.
        new Path("ingress-nginx", "gateway", 9080, TCP),
        new Path("ingress-nginx", "stock-service", 9081, TCP),
        new Path("ingress-nginx", "order-consumer", 8082, TCP),
        new Path("ingress-nginx", "order-consumer", 9082, TCP),
        new Path("prometheus", "gateway", 8080, TCP),
        new Path("stranger", "gateway", 9080, TCP),
        new Path("gateway", "order-consumer", 9082, TCP),
        // A pod of the namespace that is none of ours gets nothing.
        new Path("stranger", "gateway", 8080, TCP),
        new Path("stranger", "kafka", 9092, TCP),
        new Path("stranger", "pooler", 5432, TCP),
        new Path("stranger", "postgres", 5432, TCP),
        new Path("stranger", "impostor", 443, TCP),
        // The JWKS egress is HTTPS to public addresses, not a way into other pods or other ports.
        new Path("gateway", "impostor", 443, TCP),
        new Path("gateway", "identity-provider", 80, TCP),
        new Path("gateway", "private-address", 443, TCP),
        new Path("stock-service", "private-address", 443, TCP),
        new Path("stock-service", "impostor", 443, TCP),
        new Path("order-consumer", "payment-provider", 443, TCP),
        new Path("order-consumer", "identity-provider", 443, TCP),
        // Kafka's internal listeners are Strimzi's alone.
        new Path("gateway", "kafka", 9091, TCP),
        new Path("gateway", "kafka", 9090, TCP),
        new Path("keda-operator", "kafka", 9091, TCP),
        // The data services dial nobody they need not.
        new Path("kafka", "identity-provider", 443, TCP),
        new Path("postgres", "identity-provider", 80, TCP),
        new Path(redis, "identity-provider", 443, TCP),
        new Path(redis, "kafka", 9092, TCP)));
    // Redis: the three services and Redis itself, nobody else.
    List<String> mayUseRedis = List.of("gateway", "stock-service", "order-consumer", redis, "redis-cluster-bootstrap");
    for (String name : world.keySet()) {
      if (!mayUseRedis.contains(name) && world.get(name).isPod()) {
        paths.add(new Path(name, redis, 6379, TCP));
      }
    }
    if (redis.equals("redis-cluster")) {
      paths.add(new Path("gateway", "redis-cluster", 16379, TCP));
      paths.add(new Path("redis-cluster-bootstrap", "redis-cluster", 16379, TCP));
    }
    return paths;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyPathTheSystemNeedsIsAllowed(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    NetworkPolicies policies = NetworkPolicies.of(manifests);
    Map<String, Endpoint> world = world(manifests);
    List<Path> denied = required(world).stream().filter(p -> !allows(policies, world, p)).toList();
    assertThat(denied).as("%s: required paths the NetworkPolicies deny", overlay).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyPathTheSystemMustNotHaveIsDenied(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    NetworkPolicies policies = NetworkPolicies.of(manifests);
    Map<String, Endpoint> world = world(manifests);
    List<Path> allowed = forbidden(world).stream().filter(p -> allows(policies, world, p)).toList();
    assertThat(allowed).as("%s: forbidden paths the NetworkPolicies allow", overlay).isEmpty();
    // Redis keeps everyone else out on its own, whatever egress some other pod is later given.
    String redis = redis(world);
    List<Path> admittedByRedis = forbidden(world).stream().filter(p -> p.to().equals(redis))
        .filter(p -> policies.ingressAllows(world.get(p.from()), world.get(p.to()), p.port(), p.protocol())).toList();
    assertThat(admittedByRedis).as("%s: paths Redis's own ingress admits", overlay).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyPodOfTheNamespaceIsUnderADefaultDenyInBothDirections(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    NetworkPolicies policies = NetworkPolicies.of(manifests);
    assertThat(policies.all()).as("%s: a default-deny policy", overlay).anySatisfy(p -> {
      assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
      assertThat(p.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
      assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
      assertThat(p.getSpec().getIngress()).isNullOrEmpty();
      assertThat(p.getSpec().getEgress()).isNullOrEmpty();
    });
    for (Endpoint e : world(manifests).values()) {
      if (NetworkPolicies.NAMESPACE.equals(e.namespace())) {
        assertThat(policies.selecting(e, "Ingress")).as("%s: ingress policies of %s", overlay, e).isNotEmpty();
        assertThat(policies.selecting(e, "Egress")).as("%s: egress policies of %s", overlay, e).isNotEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyNamedPortOfAnIngressRuleExistsOnEveryRenderedPodThePolicySelects(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    List<String> dead = new ArrayList<>();
    Map<String, Endpoint> world = world(manifests);
    for (NetworkPolicy policy : NetworkPolicies.of(manifests).all()) {
      for (Workload w : Workload.all(manifests)) {
        if (!NetworkPolicies.selects(policy.getSpec().getPodSelector(), w.podLabels())) {
          continue;
        }
        for (var rule : Optional.ofNullable(policy.getSpec().getIngress()).orElse(List.of())) {
          for (NetworkPolicyPort port : Optional.ofNullable(rule.getPorts()).orElse(List.of())) {
            String name = port.getPort() == null ? null : port.getPort().getStrVal();
            if (name != null && !world.get(w.name()).ports().containsKey(name)) {
              dead.add(policy.getMetadata().getName() + ": port " + name + " on " + w.id());
            }
          }
        }
      }
    }
    assertThat(dead).as("%s: named ports no selected container has (the rule would never match)", overlay)
        .isEmpty();
  }

  @Test
  void theEvaluatorAppliesNamespacesNamedPortsIpBlocksAndTheAbsenceOfPolicies() throws Exception {
    NetworkPolicy policy = StrictKubernetesModels.read(Manifests.YAML.readTree("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db, namespace: seckill}
        spec:
          podSelector: {matchLabels: {app: db}}
          policyTypes: [Ingress, Egress]
          ingress:
            - from: [{podSelector: {matchLabels: {app: api}}}]
              ports: [{port: sql}]
          egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
              ports: [{port: 443}]
        """), NetworkPolicy.class);
    NetworkPolicies policies = new NetworkPolicies(List.of(policy));
    Endpoint db = Endpoint.pod("db", "seckill", Map.of("app", "db"), "10.0.0.1", port("sql", 5432));
    Endpoint api = Endpoint.pod("api", "seckill", Map.of("app", "api"), "10.0.0.2");
    Endpoint foreignApi = Endpoint.pod("api", "elsewhere", Map.of("app", "api"), "10.0.0.3");
    Endpoint outside = Endpoint.external("outside", "198.51.100.7");

    assertThat(policies.allows(api, db, 5432, TCP)).as("named port sql = 5432 on db").isTrue();
    assertThat(policies.allows(api, db, 5433, TCP)).as("another port").isFalse();
    assertThat(policies.allows(api, db, 5432, UDP)).as("another protocol").isFalse();
    assertThat(policies.allows(foreignApi, db, 5432, TCP)).as("podSelector alone = own namespace").isFalse();
    assertThat(policies.allows(db, outside, 443, TCP)).as("ipBlock").isTrue();
    assertThat(policies.allows(db, api, 443, TCP)).as("ipBlock except").isFalse();
    assertThat(policies.allows(db, outside, 80, TCP)).as("ipBlock port").isFalse();
    assertThat(policies.allows(api, foreignApi, 80, TCP)).as("no policy selects api: open").isTrue();
    // The same policy without its ingress rule denies what it allowed.
    policy.getSpec().setIngress(List.of());
    assertThat(policies.allows(api, db, 5432, TCP)).isFalse();
    assertThat(NetworkPolicies.portMatches(new NetworkPolicyPort(null, new IntOrString("sql"), "TCP"), db, 5432, TCP))
        .isTrue();
  }

  private static boolean allows(NetworkPolicies policies, Map<String, Endpoint> world, Path path) {
    Endpoint from = world.get(path.from());
    Endpoint to = world.get(path.to());
    if (from == null || to == null) {
      throw new AssertionError("path " + path + " names an endpoint the test world lacks: " + world.keySet());
    }
    return policies.allows(from, to, path.port(), path.protocol());
  }

  private static String nameOf(Map<String, Endpoint> world, Endpoint e) {
    return world.entrySet().stream().filter(x -> x.getValue() == e).map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  private static Map<String, String> with(Map<String, String> base, String... pairs) {
    Map<String, String> out = new LinkedHashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private static ContainerPort port(String name, int number) {
    return port(name, number, TCP);
  }

  private static ContainerPort port(String name, int number, String protocol) {
    return new ContainerPortBuilder().withName(name).withContainerPort(number).withProtocol(protocol).build();
  }
}
