package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Services, budgets, autoscalers and monitors all point at pods that exist, by labels and port names. */
class SelectorsTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyServiceSelectsPodsThatServeEachOfItsTargetPorts(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    for (JsonNode node : manifests.ofKind("Service")) {
      Service service = StrictKubernetesModels.read(node, Service.class);
      List<Workload> backends = Workload.all(manifests).stream()
          .filter(w -> Labels.matches(service.getSpec().getSelector(), w.podLabels())).toList();
      assertThat(backends).as("%s Service/%s selects pods", overlay, Manifests.name(node)).isNotEmpty();
      for (ServicePort port : service.getSpec().getPorts()) {
        for (Workload backend : backends) {
          assertThat(containerPorts(backend)).as("%s Service/%s port %s on %s", overlay, Manifests.name(node),
              port.getName(), backend.id()).anySatisfy(p -> assertThat(
                  port.getTargetPort().getStrVal() != null ? port.getTargetPort().getStrVal().equals(p.getName())
                      : port.getTargetPort().getIntVal().equals(p.getContainerPort())).isTrue());
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyDisruptionBudgetCoversExactlyOneWorkloadAndEveryWorkloadHasOne(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    List<Workload> workloads = Workload.all(manifests);
    Set<String> covered = new java.util.HashSet<>();
    for (JsonNode node : manifests.ofKind("PodDisruptionBudget")) {
      PodDisruptionBudget pdb = StrictKubernetesModels.read(node, PodDisruptionBudget.class);
      List<Workload> matched = workloads.stream()
          .filter(w -> Labels.matches(pdb.getSpec().getSelector(), w.podLabels())).toList();
      assertThat(matched).as("%s PDB/%s", overlay, Manifests.name(node)).hasSize(1);
      assertThat(pdb.getSpec().getMinAvailable() == null ^ pdb.getSpec().getMaxUnavailable() == null)
          .as("%s PDB/%s sets exactly one of minAvailable/maxUnavailable", overlay, Manifests.name(node)).isTrue();
      covered.add(matched.get(0).id());
    }
    // Jobs need none: a budget guards pods that serve, and a Job's pod is done when it exits.
    assertThat(covered).as("%s long-running workloads with a PDB", overlay)
        .containsExactlyInAnyOrderElementsOf(Workload.longRunning(manifests).stream().map(Workload::id).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void autoscalersTargetExistingDeploymentsAndNoDeploymentHasTwo(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, Long> scalersPerTarget = new java.util.HashMap<>();
    for (JsonNode node : manifests.ofKind("HorizontalPodAutoscaler")) {
      HorizontalPodAutoscaler hpa = StrictKubernetesModels.read(node, HorizontalPodAutoscaler.class);
      assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
      assertThat(hpa.getSpec().getMetrics()).as("gateway HPA scales on CPU")
          .anySatisfy(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
      scalersPerTarget.merge(hpa.getSpec().getScaleTargetRef().getName(), 1L, Long::sum);
    }
    for (JsonNode node : manifests.ofKind("ScaledObject")) {
      assertThat(node.at("/spec/scaleTargetRef/kind").asString("Deployment")).isEqualTo("Deployment");
      scalersPerTarget.merge(node.at("/spec/scaleTargetRef/name").asString(), 1L, Long::sum);
    }
    assertThat(scalersPerTarget).as("%s autoscaled Deployments", overlay)
        .containsOnlyKeys("gateway", "order-consumer").allSatisfy((target, count) -> assertThat(count).isOne());
    for (String target : scalersPerTarget.keySet()) {
      Workload w = Workload.named(manifests, target);
      assertThat(w.kind()).isEqualTo("Deployment");
      // A replicas field would be re-applied on every kubectl apply and fight the autoscaler.
      assertThat(w.replicas()).as("%s %s leaves replicas to its autoscaler", overlay, target).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void theServiceMonitorScrapesMetricsOfAllThreeServices(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    JsonNode monitor = manifests.one("ServiceMonitor", "seckill-services");
    LabelSelector selector = StrictKubernetesModels.MAPPER.treeToValue(monitor.at("/spec/selector"), LabelSelector.class);
    List<Service> selected = manifests.ofKind("Service").stream()
        .map(n -> StrictKubernetesModels.read(n, Service.class))
        .filter(s -> Labels.matches(selector, s.getMetadata().getLabels())).toList();
    assertThat(selected.stream().map(s -> s.getMetadata().getName()))
        .containsExactlyInAnyOrderElementsOf(Workload.SERVICES.keySet());
    assertThat(monitor.at("/spec/endpoints")).isNotEmpty();
    for (JsonNode endpoint : monitor.at("/spec/endpoints")) {
      assertThat(endpoint.path("path").asString()).isEqualTo("/metrics");
      // The management port: /metrics is not served on the shopper or operator port.
      assertThat(endpoint.path("port").asString()).as("%s scraped port", overlay).isEqualTo("management");
      for (Service service : selected) {
        String name = service.getMetadata().getName();
        assertThat(service.getSpec().getPorts()).as("%s has the scraped port", name).anySatisfy(p -> {
          assertThat(p.getName()).isEqualTo("management");
          assertThat(p.getPort()).isEqualTo(Workload.SERVICES.get(name));
          assertThat(p.getTargetPort().getStrVal()).isEqualTo("management");
        });
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void podMonitorsSelectRenderedPodsWithThePortOrOperatorPodsOfRenderedClusters(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Set<String> kafkaExporters = manifests.ofKind("Kafka").stream()
        .map(k -> Manifests.name(k) + "-kafka-exporter").collect(Collectors.toSet());
    Set<String> pgClusters = manifests.ofKind("Cluster").stream().map(Manifests::name).collect(Collectors.toSet());
    assertThat(manifests.ofKind("PodMonitor")).isNotEmpty();
    for (JsonNode monitor : manifests.ofKind("PodMonitor")) {
      Map<String, String> matchLabels = StrictKubernetesModels.MAPPER.treeToValue(
          monitor.at("/spec/selector"), LabelSelector.class).getMatchLabels();
      String port = monitor.at("/spec/podMetricsEndpoints/0/port").asString();
      if (matchLabels.containsKey("strimzi.io/name")) {
        // Strimzi makes these pods; the selector must name the exporter of a Kafka rendered here.
        assertThat(kafkaExporters).as("PodMonitor/%s", Manifests.name(monitor)).contains(matchLabels.get("strimzi.io/name"));
        assertThat(manifests.one("Kafka", matchLabels.get("strimzi.io/name").replace("-kafka-exporter", ""))
            .at("/spec/kafkaExporter").isMissingNode()).as("the Kafka enables its exporter").isFalse();
      } else if (matchLabels.containsKey("cnpg.io/cluster")) {
        assertThat(pgClusters).as("PodMonitor/%s", Manifests.name(monitor)).contains(matchLabels.get("cnpg.io/cluster"));
      } else {
        List<Workload> pods = Workload.all(manifests).stream()
            .filter(w -> Labels.matches(matchLabels, w.podLabels())).toList();
        assertThat(pods).as("PodMonitor/%s selects pods", Manifests.name(monitor)).isNotEmpty();
        pods.forEach(w -> assertThat(containerPorts(w)).as("%s serves port %s", w.id(), port)
            .anySatisfy(p -> assertThat(p.getName()).isEqualTo(port)));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void spreadConstraintsCountThePodsOwnSiblings(String overlay) {
    for (Workload w : Workload.all(Manifests.of(overlay))) {
      List<TopologySpreadConstraint> constraints = w.pod().getTopologySpreadConstraints();
      if (constraints == null) {
        continue;
      }
      for (TopologySpreadConstraint c : constraints) {
        assertThat(Labels.matches(c.getLabelSelector(), w.podLabels()))
            .as("%s %s spread selector matches its own pods", overlay, w.id()).isTrue();
        if (c.getMatchLabelKeys() != null) {
          c.getMatchLabelKeys().stream().filter(k -> !k.equals("pod-template-hash"))
              .forEach(k -> assertThat(w.podLabels()).as("%s matchLabelKeys", w.id()).containsKey(k));
        }
      }
    }
  }

  private static List<ContainerPort> containerPorts(Workload workload) {
    return workload.pod().getContainers().stream()
        .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream()).toList();
  }
}
