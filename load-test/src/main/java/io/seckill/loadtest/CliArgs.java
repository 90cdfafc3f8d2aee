package io.seckill.loadtest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} pairs of the bench CLIs; a missing required one stops the CLI naming it. */
final class CliArgs {
  private final Map<String, List<String>> values = new HashMap<>();

  CliArgs(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      values.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[++i]);
    }
  }

  String required(String name) {
    List<String> all = values.get(name);
    if (all == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return all.get(all.size() - 1);
  }

  String optional(String name, String fallback) {
    List<String> all = values.get(name);
    return all == null ? fallback : all.get(all.size() - 1);
  }

  int integer(String name, int fallback) {
    return Integer.parseInt(optional(name, Integer.toString(fallback)));
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }
}
