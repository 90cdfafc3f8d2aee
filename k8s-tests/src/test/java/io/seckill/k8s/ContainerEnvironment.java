package io.seckill.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The environment the kubelet would give a container: envFrom ConfigMaps first, then env in order
 * with $(VAR) expanded from what is already defined. Secret values are not in the repository, so
 * each stands in as a long alphanumeric placeholder, like the generated ones.
 */
final class ContainerEnvironment {
  static final String SECRET_PLACEHOLDER = "Secret0placeholder0value0of0sufficient0length";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private ContainerEnvironment() {
  }

  static Map<String, String> resolve(Manifests manifests, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource source : container.getEnvFrom()) {
        if (source.getConfigMapRef() != null) {
          JsonNode data = manifests.one("ConfigMap", source.getConfigMapRef().getName()).path("data");
          data.properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
        }
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        env.put(var.getName(), valueOf(manifests, var, env));
      }
    }
    return env;
  }

  private static String valueOf(Manifests manifests, EnvVar var, Map<String, String> defined) {
    if (var.getValueFrom() == null) {
      return expand(var.getName(), var.getValue() == null ? "" : var.getValue(), defined);
    }
    if (var.getValueFrom().getSecretKeyRef() != null) {
      return SECRET_PLACEHOLDER;
    }
    if (var.getValueFrom().getConfigMapKeyRef() != null) {
      var ref = var.getValueFrom().getConfigMapKeyRef();
      return manifests.one("ConfigMap", ref.getName()).path("data").path(ref.getKey()).asString("");
    }
    throw new AssertionError(var.getName() + ": unsupported valueFrom " + var.getValueFrom());
  }

  /** $(VAR) of a variable not yet defined stays literally in the value: a bug these tests must see. */
  private static String expand(String name, String value, Map<String, String> defined) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String ref = m.group(1);
      if (!defined.containsKey(ref)) {
        throw new AssertionError(name + " refers to $(" + ref + ") which is not defined before it");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(defined.get(ref)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
