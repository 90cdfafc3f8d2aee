package io.seckill.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * The Redis ACL users of {@code k8s/base/data/redis-acl.conf} (the file the manifests mount), created on a shared
 * test Redis under names unique to this run ({@code seckill-gateway} becomes {@code seckill-gateway-t<hex>}) with
 * generated passwords. The rules are the file's, token for token; only the {@code default} user's line is skipped:
 * the shared Redis's default user belongs to everyone else's tests. {@link #close()} deletes the users again.
 */
public final class RedisAclUsers implements AutoCloseable {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A user of the file as created here. */
  public record User(String name, String password) {
    /** The variables a service takes its Redis credentials from. */
    public Map<String, String> env() {
      return Map.of("SECKILL_REDIS_USERNAME", name, "SECKILL_REDIS_PASSWORD", password);
    }
  }

  private final List<Supplier<Jedis>> nodes;
  private final Map<String, User> users = new LinkedHashMap<>();

  private RedisAclUsers(List<Supplier<Jedis>> nodes) {
    this.nodes = nodes;
  }

  /** The rules file the manifests mount, found from the module's directory up. */
  public static Path rulesFile() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("k8s/base/data/redis-acl.conf");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("k8s/base/data/redis-acl.conf not found above " + Path.of("").toAbsolutePath());
  }

  /** The file's user lines: the user's name and its rules, the {@code ${VAR}} placeholders unreplaced. */
  public static Map<String, List<String>> rules(Path file) throws java.io.IOException {
    Map<String, List<String>> rules = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      List<String> tokens = Arrays.asList(trimmed.split("\\s+"));
      if (!tokens.get(0).equals("user") || tokens.size() < 3) {
        throw new IllegalStateException("not an ACL user line: " + trimmed);
      }
      rules.put(tokens.get(1), List.copyOf(tokens.subList(2, tokens.size())));
    }
    return rules;
  }

  /**
   * Creates every user of the file but {@code default} on each node (a cluster's nodes each keep their own ACL).
   * On failure the users already made are deleted before the exception leaves.
   */
  public static RedisAclUsers create(List<Supplier<Jedis>> nodes) throws Exception {
    String suffix = "-t" + HexFormat.of().formatHex(RANDOM.generateSeed(4));
    RedisAclUsers created = new RedisAclUsers(nodes);
    try {
      for (Map.Entry<String, List<String>> user : rules(rulesFile()).entrySet()) {
        if (user.getKey().equals("default")) {
          continue;
        }
        String password = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        List<String> concrete = new ArrayList<>();
        for (String rule : user.getValue()) {
          Matcher m = PLACEHOLDER.matcher(rule);
          concrete.add(m.replaceAll(Matcher.quoteReplacement(password)));
        }
        User made = new User(user.getKey() + suffix, password);
        created.users.put(user.getKey(), made);
        for (Supplier<Jedis> node : nodes) {
          try (Jedis jedis = node.get()) {
            jedis.aclSetUser(made.name(), concrete.toArray(String[]::new));
          }
        }
      }
      return created;
    } catch (Exception | Error e) {
      created.close();
      throw e;
    }
  }

  /** The user made from the file's {@code name} (e.g. {@code seckill-gateway}). */
  public User user(String name) {
    User user = users.get(name);
    if (user == null) {
      throw new IllegalArgumentException("no user " + name + " in " + rulesFile());
    }
    return user;
  }

  public List<User> all() {
    return List.copyOf(users.values());
  }

  /** Deletes every user made here, on every node; never touches any other user. */
  @Override
  public void close() {
    if (users.isEmpty()) {
      return;
    }
    String[] names = users.values().stream().map(User::name).toArray(String[]::new);
    for (Supplier<Jedis> node : nodes) {
      try (Jedis jedis = node.get()) {
        jedis.aclDelUser(names);
      } catch (RuntimeException e) {
        System.err.println("RedisAclUsers: could not delete the test users " + String.join(",", names) + ": " + e);
      }
    }
  }
}
