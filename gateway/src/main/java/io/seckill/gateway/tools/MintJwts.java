package io.seckill.gateway.tools;

import io.seckill.common.auth.Jwt;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Mints shopper JWTs for load tests.
 *
 * <pre>
 * java -cp gateway/target/seckill-gateway.jar io.seckill.gateway.tools.MintJwts \
 *     [--secret-env SECKILL_JWT_SECRET] [--ttl 3600] (--user NAME | --users N [--prefix user-] [--out tokens.txt])
 * </pre>
 * The secret is read from the named environment variable (never from the command line, where
 * {@code ps} would show it). With {@code --user} one token goes to stdout; with {@code --users} one
 * token per line for {@code <prefix>0..<prefix>N-1}, to {@code --out} or stdout.
 */
public final class MintJwts {
  private MintJwts() {
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        usage("unexpected argument " + args[i]);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    String secretEnv = options.getOrDefault("secret-env", "SECKILL_JWT_SECRET");
    String secret = System.getenv(secretEnv);
    if (secret == null || secret.length() < 32) {
      usage(secretEnv + " must hold the gateway's JWT secret (at least 32 characters)");
    }
    long ttl = parse(options.getOrDefault("ttl", "3600"), "--ttl");
    Jwt jwt = new Jwt(secret);
    if (options.containsKey("user")) {
      System.out.println(jwt.mint(options.get("user"), ttl));
      return;
    }
    long users = parse(options.getOrDefault("users", "0"), "--users");
    if (users < 1) {
      usage("give --user NAME or --users N");
    }
    String prefix = options.getOrDefault("prefix", "user-");
    if (options.containsKey("out")) {
      try (BufferedWriter out = Files.newBufferedWriter(Path.of(options.get("out")), StandardCharsets.UTF_8)) {
        for (long i = 0; i < users; i++) {
          out.write(jwt.mint(prefix + i, ttl));
          out.newLine();
        }
      }
    } else {
      StringBuilder all = new StringBuilder();
      for (long i = 0; i < users; i++) {
        all.append(jwt.mint(prefix + i, ttl)).append('\n');
      }
      System.out.print(all);
    }
  }

  private static long parse(String value, String option) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      usage(option + " must be a number");
      return 0;
    }
  }

  private static void usage(String problem) {
    System.err.println("MintJwts: " + problem);
    System.err.println("usage: MintJwts [--secret-env VAR] [--ttl seconds] (--user NAME | --users N [--prefix user-] [--out file])");
    System.exit(2);
  }
}
