package io.seckill.k8s;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small evaluator of NetworkPolicies as the API defines them (networking.k8s.io/v1): a pod that no
 * policy of a direction selects is open in that direction; once one does, only what some rule of such
 * a policy allows passes. A connection needs both the source's egress and the destination's ingress.
 * Peers: a podSelector alone means pods of the policy's own namespace, a namespaceSelector alone every
 * pod of the matching namespaces, both together the matching pods of the matching namespaces, an
 * ipBlock addresses by IP (pods included: a CNI may apply it to pod IPs, so a forbidden path must be
 * denied under that reading too). An empty selector matches everything; a rule without peers allows
 * every peer, without ports every port. A named port is resolved against the container ports of the
 * destination pod, by name and protocol.
 */
final class NetworkPolicies {
  static final String NAMESPACE = "seckill";

  /** A pod (or an address outside the cluster: namespace null) with its labels and named ports. */
  record Endpoint(String name, String namespace, Map<String, String> labels, Map<String, ContainerPort> ports,
      String ip) {
    static Endpoint pod(String name, String namespace, Map<String, String> labels, String ip, ContainerPort... ports) {
      Map<String, ContainerPort> named = new java.util.LinkedHashMap<>();
      for (ContainerPort port : ports) {
        named.put(port.getName(), port);
      }
      return new Endpoint(name, namespace, labels, named, ip);
    }

    static Endpoint external(String name, String ip) {
      return new Endpoint(name, null, Map.of(), Map.of(), ip);
    }

    boolean isPod() {
      return namespace != null;
    }

    @Override
    public String toString() {
      return isPod() ? namespace + "/" + name : name + " (" + ip + ")";
    }
  }

  private final List<NetworkPolicy> policies;

  NetworkPolicies(List<NetworkPolicy> policies) {
    this.policies = List.copyOf(policies);
  }

  static NetworkPolicies of(Manifests manifests) {
    return new NetworkPolicies(manifests.ofKind("NetworkPolicy").stream()
        .map(n -> StrictKubernetesModels.read(n, NetworkPolicy.class)).toList());
  }

  List<NetworkPolicy> all() {
    return policies;
  }

  /** Whether a TCP/UDP connection from {@code source} to {@code port} of {@code destination} passes. */
  boolean allows(Endpoint source, Endpoint destination, int port, String protocol) {
    return egressAllows(source, destination, port, protocol) && ingressAllows(source, destination, port, protocol);
  }

  boolean egressAllows(Endpoint source, Endpoint destination, int port, String protocol) {
    List<NetworkPolicy> selecting = selecting(source, "Egress");
    if (selecting.isEmpty()) {
      return true;
    }
    for (NetworkPolicy policy : selecting) {
      for (var rule : Optional.ofNullable(policy.getSpec().getEgress()).orElse(List.of())) {
        if (peersMatch(rule.getTo(), policyNamespace(policy), destination)
            && portsMatch(rule.getPorts(), destination, port, protocol)) {
          return true;
        }
      }
    }
    return false;
  }

  boolean ingressAllows(Endpoint source, Endpoint destination, int port, String protocol) {
    List<NetworkPolicy> selecting = selecting(destination, "Ingress");
    if (selecting.isEmpty()) {
      return true;
    }
    for (NetworkPolicy policy : selecting) {
      for (var rule : Optional.ofNullable(policy.getSpec().getIngress()).orElse(List.of())) {
        if (peersMatch(rule.getFrom(), policyNamespace(policy), source)
            && portsMatch(rule.getPorts(), destination, port, protocol)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The policies of the endpoint's namespace that select it and govern the given direction. */
  List<NetworkPolicy> selecting(Endpoint endpoint, String direction) {
    if (!endpoint.isPod()) {
      return List.of();
    }
    List<NetworkPolicy> out = new ArrayList<>();
    for (NetworkPolicy policy : policies) {
      if (policyNamespace(policy).equals(endpoint.namespace())
          && selects(policy.getSpec().getPodSelector(), endpoint.labels())
          && policyTypes(policy).contains(direction)) {
        out.add(policy);
      }
    }
    return out;
  }

  /** policyTypes as the API server defaults it: Ingress always, Egress when there are egress rules. */
  static List<String> policyTypes(NetworkPolicy policy) {
    List<String> declared = policy.getSpec().getPolicyTypes();
    if (declared != null && !declared.isEmpty()) {
      return declared;
    }
    List<String> types = new ArrayList<>(List.of("Ingress"));
    if (policy.getSpec().getEgress() != null && !policy.getSpec().getEgress().isEmpty()) {
      types.add("Egress");
    }
    return types;
  }

  private static String policyNamespace(NetworkPolicy policy) {
    String namespace = policy.getMetadata().getNamespace();
    return namespace == null ? NAMESPACE : namespace;
  }

  private static boolean peersMatch(List<NetworkPolicyPeer> peers, String policyNamespace, Endpoint peer) {
    if (peers == null || peers.isEmpty()) {
      return true;
    }
    return peers.stream().anyMatch(p -> peerMatches(p, policyNamespace, peer));
  }

  static boolean peerMatches(NetworkPolicyPeer peer, String policyNamespace, Endpoint endpoint) {
    if (peer.getIpBlock() != null) {
      return ipBlockMatches(peer.getIpBlock(), endpoint.ip());
    }
    if (!endpoint.isPod()) {
      return false; // selectors only ever select pods
    }
    boolean namespaceOk = peer.getNamespaceSelector() == null
        ? endpoint.namespace().equals(policyNamespace)
        : selects(peer.getNamespaceSelector(), namespaceLabels(endpoint.namespace()));
    boolean podOk = peer.getPodSelector() == null || selects(peer.getPodSelector(), endpoint.labels());
    if (peer.getNamespaceSelector() == null && peer.getPodSelector() == null) {
      throw new AssertionError("a NetworkPolicyPeer needs a selector or an ipBlock: " + peer);
    }
    return namespaceOk && podOk;
  }

  /** The labels every namespace carries from the API server. */
  static Map<String, String> namespaceLabels(String namespace) {
    return Map.of("kubernetes.io/metadata.name", namespace);
  }

  /** Selector semantics for policies: an empty selector selects everything. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    boolean labelsOk = matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    return labelsOk && expressions.stream().allMatch(r -> requirement(r, labels));
  }

  private static boolean requirement(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    return switch (r.getOperator()) {
      case "In" -> value != null && r.getValues().contains(value);
      case "NotIn" -> value == null || !r.getValues().contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> throw new AssertionError("unknown selector operator " + r.getOperator());
    };
  }

  private static boolean portsMatch(List<NetworkPolicyPort> ports, Endpoint destination, int port, String protocol) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    return ports.stream().anyMatch(p -> portMatches(p, destination, port, protocol));
  }

  static boolean portMatches(NetworkPolicyPort rule, Endpoint destination, int port, String protocol) {
    String ruleProtocol = rule.getProtocol() == null ? "TCP" : rule.getProtocol();
    if (!ruleProtocol.equals(protocol)) {
      return false;
    }
    IntOrString value = rule.getPort();
    if (value == null) {
      return true; // every port of that protocol
    }
    if (value.getStrVal() != null) {
      // A named port means whatever number the destination pod gives that name, for that protocol.
      ContainerPort named = destination.ports().get(value.getStrVal());
      String namedProtocol = named == null || named.getProtocol() == null ? "TCP" : named.getProtocol();
      return named != null && named.getContainerPort() == port && namedProtocol.equals(protocol);
    }
    int first = value.getIntVal();
    int last = rule.getEndPort() == null ? first : rule.getEndPort();
    return port >= first && port <= last;
  }

  static boolean ipBlockMatches(IPBlock block, String ip) {
    if (ip == null || !inCidr(ip, block.getCidr())) {
      return false;
    }
    return block.getExcept() == null || block.getExcept().stream().noneMatch(e -> inCidr(ip, e));
  }

  /** IPv4 only (the test addresses are IPv4). */
  static boolean inCidr(String ip, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    return (toLong(ip) & mask) == (toLong(parts[0]) & mask);
  }

  private static long toLong(String ip) {
    String[] octets = ip.split("\\.");
    if (octets.length != 4) {
      throw new AssertionError("not an IPv4 address: " + ip);
    }
    long value = 0;
    for (String octet : octets) {
      value = (value << 8) | Integer.parseInt(octet);
    }
    return value;
  }
}
