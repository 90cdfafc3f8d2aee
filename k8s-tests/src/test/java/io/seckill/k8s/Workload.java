package io.seckill.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Deployment, StatefulSet or Job, read through the strict models: what the tests need of each. A Job
 * has no selector of its own to speak of and no replicas; its pods run to completion.
 */
record Workload(String kind, String name, Integer replicas, LabelSelector selector, PodTemplateSpec template) {
  /** The three Seckill services and the management port each serves /metrics and /health/* on. */
  static final Map<String, Integer> SERVICES = Map.of("gateway", 9080, "stock-service", 9081, "order-consumer", 9082);
  /** The services with a public API and its port (the order consumer has none: its only server is management). */
  static final Map<String, Integer> PUBLIC_PORTS = Map.of("gateway", 8080, "stock-service", 8081);

  static List<Workload> all(Manifests manifests) {
    List<Workload> out = new ArrayList<>();
    for (var node : manifests.ofKind("Deployment")) {
      Deployment d = StrictKubernetesModels.read(node, Deployment.class);
      out.add(new Workload("Deployment", d.getMetadata().getName(), d.getSpec().getReplicas(),
          d.getSpec().getSelector(), d.getSpec().getTemplate()));
    }
    for (var node : manifests.ofKind("StatefulSet")) {
      StatefulSet s = StrictKubernetesModels.read(node, StatefulSet.class);
      out.add(new Workload("StatefulSet", s.getMetadata().getName(), s.getSpec().getReplicas(),
          s.getSpec().getSelector(), s.getSpec().getTemplate()));
    }
    for (var node : manifests.ofKind("Job")) {
      Job j = StrictKubernetesModels.read(node, Job.class);
      out.add(new Workload("Job", j.getMetadata().getName(), null, null, j.getSpec().getTemplate()));
    }
    return out;
  }

  /** The Deployments and StatefulSets: pods that serve until they are stopped (no Jobs). */
  static List<Workload> longRunning(Manifests manifests) {
    return all(manifests).stream().filter(w -> !w.runsToCompletion()).toList();
  }

  /** A Job: its pods do one piece of work and exit, so probes and disruption budgets do not apply. */
  boolean runsToCompletion() {
    return kind.equals("Job");
  }

  static Workload named(Manifests manifests, String name) {
    return all(manifests).stream().filter(w -> w.name.equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(manifests.overlay() + ": no workload named " + name));
  }

  PodSpec pod() {
    return template.getSpec();
  }

  Map<String, String> podLabels() {
    return template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels();
  }

  boolean isSeckillService() {
    return SERVICES.containsKey(name);
  }

  /** The container named after the workload (the service itself, not a sidecar). */
  Container mainContainer() {
    return pod().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(id() + " has no container named " + name));
  }

  List<Container> containers() {
    List<Container> all = new ArrayList<>(pod().getContainers());
    Optional.ofNullable(pod().getInitContainers()).ifPresent(all::addAll);
    return all;
  }

  String id() {
    return kind + "/" + name;
  }
}
