package io.seckill.k8s;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads core Kubernetes objects into their fabric8 models and refuses any field the model does not
 * know. fabric8 models keep unknown fields in an {@code additionalProperties} map (a
 * {@code @JsonAnySetter}), which would swallow a misspelled {@code readinesProbe} silently; this
 * mapper ignores that any-setter and any ignoreUnknown, so FAIL_ON_UNKNOWN_PROPERTIES bites.
 */
final class StrictKubernetesModels {
  /** apiVersion/kind → model. A core object of any other type fails the parse test: add it here. */
  static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("apps/v1/StatefulSet", StatefulSet.class),
      Map.entry("batch/v1/Job", Job.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("networking.k8s.io/v1/Ingress", Ingress.class));

  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .annotationIntrospector(new NoCatchAllIntrospector())
      .build();

  private StrictKubernetesModels() {
  }

  static String typeKey(JsonNode object) {
    return object.path("apiVersion").asString("") + "/" + object.path("kind").asString("");
  }

  static boolean hasModel(JsonNode object) {
    return MODELS.containsKey(typeKey(object));
  }

  static HasMetadata read(JsonNode object) {
    Class<? extends HasMetadata> model = MODELS.get(typeKey(object));
    if (model == null) {
      throw new AssertionError("no typed model for " + typeKey(object));
    }
    return MAPPER.treeToValue(object, model);
  }

  static <T extends HasMetadata> T read(JsonNode object, Class<T> model) {
    return MAPPER.treeToValue(object, model);
  }

  private static final class NoCatchAllIntrospector extends JacksonAnnotationIntrospector {
    @Override
    public Boolean hasAnySetter(MapperConfig<?> config, Annotated annotated) {
      return Boolean.FALSE;
    }

    @Override
    public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
      JsonIgnoreProperties.Value declared = super.findPropertyIgnoralByName(config, annotated);
      return declared == null ? null : declared.withoutIgnoreUnknown();
    }
  }
}
