package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every container is probed, sized, locked down and pinned; the services shut down gracefully. */
class WorkloadHardeningTest {
  /** repository/name:tag where the tag is a concrete version, optionally followed by a digest. */
  private static final Pattern PINNED_IMAGE = Pattern.compile("[a-z0-9./_-]+:([A-Za-z0-9._-]+)(@sha256:[a-f0-9]{64})?");

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyContainerHasStartupReadinessAndLivenessProbes(String overlay) {
    // Jobs are bounded differently: see jobsAreBoundedByADeadlineAndARetryLimitInsteadOfProbes.
    for (Workload workload : Workload.longRunning(Manifests.of(overlay))) {
      for (Container c : workload.pod().getContainers()) {
        String where = overlay + " " + workload.id() + "/" + c.getName();
        assertThat(c.getStartupProbe()).as("%s startupProbe", where).isNotNull();
        assertThat(c.getReadinessProbe()).as("%s readinessProbe", where).isNotNull();
        assertThat(c.getLivenessProbe()).as("%s livenessProbe", where).isNotNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void jobsAreBoundedByADeadlineAndARetryLimitInsteadOfProbes(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    for (Workload workload : Workload.all(manifests)) {
      if (!workload.runsToCompletion()) {
        continue;
      }
      // A Job's pod exits when its work is done: readiness means nothing for it, and a liveness probe
      // could only restart a script in the middle of its work. A deadline and a retry limit bound it.
      JsonNode job = manifests.one("Job", workload.name());
      assertThat(job.at("/spec/activeDeadlineSeconds").isNumber()).as("%s %s activeDeadlineSeconds", overlay,
          workload.id()).isTrue();
      assertThat(Manifests.integer(job.at("/spec/activeDeadlineSeconds"))).as("%s %s deadline", overlay, workload.id())
          .isBetween(60, 3600);
      assertThat(Manifests.integer(job.at("/spec/backoffLimit"))).as("%s %s backoffLimit", overlay, workload.id())
          .isBetween(1, 10);
      assertThat(workload.pod().getRestartPolicy()).as("%s %s restartPolicy", overlay, workload.id())
          .isIn("Never", "OnFailure");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void servicesProbeReadinessOnHealthReadyAndLivenessOnHealthLiveAtTheirManagementPort(String overlay) {
    for (Workload workload : Workload.all(Manifests.of(overlay))) {
      if (!workload.isSeckillService()) {
        continue;
      }
      Container c = workload.mainContainer();
      int management = Workload.SERVICES.get(workload.name());
      assertThat(c.getPorts()).as("%s ports", workload.id())
          .anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("management");
            assertThat(p.getContainerPort()).isEqualTo(management);
          });
      Integer api = Workload.PUBLIC_PORTS.get(workload.name());
      if (api == null) {
        assertThat(c.getPorts()).as("%s has no port but management", workload.id()).hasSize(1);
      } else {
        assertThat(c.getPorts()).as("%s ports", workload.id())
            .anySatisfy(p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(api);
            });
      }
      assertThat(httpPath(c.getReadinessProbe())).as("%s readiness", workload.id()).isEqualTo("/health/ready");
      assertThat(httpPath(c.getLivenessProbe())).as("%s liveness", workload.id()).isEqualTo("/health/live");
      for (Probe probe : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
        assertThat(probe.getHttpGet().getPort().getStrVal()).as("%s probe port", workload.id()).isEqualTo("management");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyContainerRequestsCpuAndMemoryWithMemoryRequestEqualToItsLimit(String overlay) {
    for (Workload workload : Workload.all(Manifests.of(overlay))) {
      for (Container c : workload.containers()) {
        String where = overlay + " " + workload.id() + "/" + c.getName();
        Map<String, Quantity> requests = c.getResources().getRequests();
        Map<String, Quantity> limits = c.getResources().getLimits();
        assertThat(requests).as("%s requests", where).containsKeys("cpu", "memory");
        assertThat(limits).as("%s limits", where).containsKey("memory");
        assertThat(Quantity.getAmountInBytes(requests.get("memory")))
            .as("%s memory request == limit", where).isEqualTo(Quantity.getAmountInBytes(limits.get("memory")));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyContainerRunsAsNonRootOnAReadOnlyRootWithNoCapabilitiesAndTheRuntimeDefaultSeccompProfile(
      String overlay) {
    for (Workload workload : Workload.all(Manifests.of(overlay))) {
      PodSecurityContext pod = Optional.ofNullable(workload.pod().getSecurityContext()).orElseGet(PodSecurityContext::new);
      assertThat(workload.pod().getAutomountServiceAccountToken()).as("%s token automount", workload.id()).isFalse();
      for (Container c : workload.containers()) {
        String where = overlay + " " + workload.id() + "/" + c.getName();
        SecurityContext own = Optional.ofNullable(c.getSecurityContext()).orElseGet(SecurityContext::new);
        boolean nonRoot = Boolean.TRUE.equals(own.getRunAsNonRoot())
            || own.getRunAsNonRoot() == null && Boolean.TRUE.equals(pod.getRunAsNonRoot());
        Long uid = own.getRunAsUser() != null ? own.getRunAsUser() : pod.getRunAsUser();
        String seccomp = own.getSeccompProfile() != null ? own.getSeccompProfile().getType()
            : pod.getSeccompProfile() == null ? null : pod.getSeccompProfile().getType();
        assertThat(nonRoot).as("%s runAsNonRoot", where).isTrue();
        assertThat(uid).as("%s numeric non-root uid", where).isNotNull().isPositive();
        assertThat(own.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", where).isTrue();
        assertThat(own.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", where).isFalse();
        assertThat(own.getCapabilities()).as("%s capabilities", where).isNotNull();
        assertThat(own.getCapabilities().getDrop()).as("%s drops ALL", where).containsExactly("ALL");
        assertThat(own.getCapabilities().getAdd()).as("%s adds none", where).isNullOrEmpty();
        assertThat(own.getPrivileged()).as("%s privileged", where).isNotEqualTo(Boolean.TRUE);
        assertThat(seccomp).as("%s seccomp", where).isEqualTo("RuntimeDefault");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void everyImageIsPinnedToAConcreteTagAndNeverLatest(String overlay) {
    for (Workload workload : Workload.all(Manifests.of(overlay))) {
      for (Container c : workload.containers()) {
        var matcher = PINNED_IMAGE.matcher(c.getImage());
        assertThat(matcher.matches()).as("%s %s image %s has an explicit tag", overlay, workload.id(), c.getImage())
            .isTrue();
        assertThat(matcher.group(1)).as("%s image %s", workload.id(), c.getImage())
            .isNotEqualToIgnoringCase("latest").matches(".*\\d.*");
        assertThat(c.getImagePullPolicy()).as("%s pull policy", workload.id()).isNotEqualTo("Always");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void javaServicesKeepC2ThresholdsFromRisingWithTheCompileQueueSoTheWarmUpCompilesTheHotPath(String overlay) {
    // 0 would divide by zero in HotSpot's threshold scale and stop C2 altogether (docs/performance.md).
    javaToolOptions(overlay).forEach((workload, options) -> assertThat(options)
        .as("%s JAVA_TOOL_OPTIONS", workload).contains("-XX:Tier4LoadFeedback=1000"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void javaServicesSizeTheHeapFromTheContainerLimitAndExitOnOutOfMemory(String overlay) {
    javaToolOptions(overlay).forEach((workload, options) -> assertThat(options)
        .as("%s JAVA_TOOL_OPTIONS", workload)
        .contains("-XX:MaxRAMPercentage=75").contains("-XX:+ExitOnOutOfMemoryError")
        .doesNotContain("-Xmx")); // a fixed heap would ignore the limit the overlays set
  }

  /** Each Seckill service's JAVA_TOOL_OPTIONS, by workload id; a service without them fails the test. */
  private static Map<String, String> javaToolOptions(String overlay) {
    Map<String, String> options = new java.util.TreeMap<>();
    for (Workload workload : Workload.all(Manifests.of(overlay))) {
      if (workload.isSeckillService()) {
        options.put(workload.id(), workload.mainContainer().getEnv().stream()
            .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).map(EnvVar::getValue).findFirst()
            .orElseThrow(() -> new AssertionError(workload.id() + " sets no JAVA_TOOL_OPTIONS")));
      }
    }
    assertThat(options.keySet()).as("%s: Seckill services", overlay).hasSize(Workload.SERVICES.size());
    return options;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void writableScratchSpaceIsAnEmptyDirMountedAtTmp(String overlay) {
    for (Workload workload : Workload.all(Manifests.of(overlay))) {
      if (!workload.isSeckillService()) {
        continue;
      }
      VolumeMount tmp = workload.mainContainer().getVolumeMounts().stream()
          .filter(m -> m.getMountPath().equals("/tmp")).findFirst()
          .orElseThrow(() -> new AssertionError(workload.id() + " mounts nothing at /tmp"));
      Volume volume = workload.pod().getVolumes().stream().filter(v -> v.getName().equals(tmp.getName()))
          .findFirst().orElseThrow();
      assertThat(volume.getEmptyDir()).as("%s /tmp volume", workload.id()).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void servicesSleepInPreStopAndGetAGracePeriodThatLeavesTimeToFinishWorkAfterIt(String overlay) {
    for (Workload workload : Workload.all(Manifests.of(overlay))) {
      if (!workload.isSeckillService()) {
        continue;
      }
      var preStop = workload.mainContainer().getLifecycle().getPreStop();
      List<String> command = preStop.getExec().getCommand();
      assertThat(command).as("%s preStop", workload.id()).hasSize(2).first().isEqualTo("sleep");
      long sleep = Long.parseLong(command.get(1));
      long grace = workload.pod().getTerminationGracePeriodSeconds();
      assertThat(sleep).as("%s preStop sleep", workload.id()).isBetween(3L, 15L);
      assertThat(grace - sleep).as("%s time left for the JVM after preStop", workload.id()).isGreaterThanOrEqualTo(20L);
    }
    // The consumer finishes the batch in hand, commits and leaves the group within its grace period.
    Workload consumer = Workload.named(Manifests.of(overlay), "order-consumer");
    assertThat(consumer.pod().getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(60L);
  }

  private static String httpPath(Probe probe) {
    return probe == null || probe.getHttpGet() == null ? null : probe.getHttpGet().getPath();
  }
}
