package io.seckill.k8s;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Map;

/** Label selector semantics as the API server applies them (matchLabels AND matchExpressions). */
final class Labels {
  private Labels() {
  }

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    boolean empty = matchLabels.isEmpty() && (selector.getMatchExpressions() == null
        || selector.getMatchExpressions().isEmpty());
    if (empty) {
      return false; // an empty selector would select everything: never what these manifests mean
    }
    boolean labelsMatch = matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    boolean expressionsMatch = selector.getMatchExpressions() == null
        || selector.getMatchExpressions().stream().allMatch(r -> matches(r, labels));
    return labelsMatch && expressionsMatch;
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    return switch (requirement.getOperator()) {
      case "In" -> value != null && requirement.getValues().contains(value);
      case "NotIn" -> value == null || !requirement.getValues().contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> throw new AssertionError("unknown selector operator " + requirement.getOperator());
    };
  }
}
