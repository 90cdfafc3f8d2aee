package io.seckill.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * An overlay that puts the gateway behind an Ingress also tells the gateway whom to believe about the client address
 * (SECKILL_TRUSTED_PROXIES), else every shopper shares the controller's rate-limit bucket; and the Ingress leads to
 * the gateway's shopper port, not to another Service or port.
 */
class IngressTest {
  private static final Pattern V4_CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}(/\\d{1,2})?");
  private static final Pattern V6_CIDR = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(/\\d{1,3})?");

  @Test
  void theProdOverlayShipsAnIngress() {
    assertThat(Manifests.of("prod").ofKind("Ingress")).as("k8s/overlays/prod/ingress.yaml").isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.seckill.k8s.Manifests#overlayNames")
  void anOverlayWithAnIngressSetsTrustedProxiesOnTheGatewayAndRoutesToItsShopperPort(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    List<JsonNode> ingresses = manifests.ofKind("Ingress");
    if (ingresses.isEmpty()) {
      return;
    }
    Container gateway = Workload.named(manifests, "gateway").mainContainer();
    Map<String, String> env = ContainerEnvironment.resolve(manifests, gateway);
    String trusted = env.getOrDefault("SECKILL_TRUSTED_PROXIES", "");
    assertThat(trusted).as("%s: behind an Ingress the gateway must trust the controller's forwarded address", overlay)
        .isNotBlank();
    for (String entry : trusted.split(",")) {
      assertThat(V4_CIDR.matcher(entry.trim()).matches() || V6_CIDR.matcher(entry.trim()).matches())
          .as("%s: SECKILL_TRUSTED_PROXIES entry '%s' is a CIDR", overlay, entry).isTrue();
    }
    int shopperPort = Integer.parseInt(env.get("SECKILL_HTTP_PORT"));
    Service service = StrictKubernetesModels.read(manifests.one("Service", "gateway"), Service.class);

    for (JsonNode node : ingresses) {
      Ingress ingress = StrictKubernetesModels.read(node, Ingress.class);
      assertThat(ingress.getSpec().getRules()).as("%s %s has rules", overlay, Manifests.id(node)).isNotEmpty();
      for (IngressRule rule : ingress.getSpec().getRules()) {
        for (HTTPIngressPath path : rule.getHttp().getPaths()) {
          IngressServiceBackend backend = path.getBackend().getService();
          assertThat(backend.getName()).as("%s %s backend", overlay, path.getPath()).isEqualTo("gateway");
          ServicePort port = service.getSpec().getPorts().stream()
              .filter(p -> backend.getPort().getName() != null ? backend.getPort().getName().equals(p.getName())
                  : backend.getPort().getNumber().equals(p.getPort()))
              .findFirst().orElseThrow(() -> new AssertionError(overlay + ": the Ingress names no port of Service gateway"));
          assertThat(containerPort(gateway, port)).as("%s: the Ingress reaches the gateway's shopper port", overlay)
              .isEqualTo(shopperPort);
        }
      }
    }
  }

  /** The container port a Service port leads to (targetPort by name or number). */
  private static int containerPort(Container container, ServicePort port) {
    if (port.getTargetPort() == null) {
      return port.getPort();
    }
    if (port.getTargetPort().getIntVal() != null) {
      return port.getTargetPort().getIntVal();
    }
    return container.getPorts().stream().filter(p -> port.getTargetPort().getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getTargetPort().getStrVal()));
  }
}
