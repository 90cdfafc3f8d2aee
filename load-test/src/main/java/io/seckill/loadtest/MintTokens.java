package io.seckill.loadtest;

import io.seckill.common.auth.Jwt;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mints the shoppers' JWTs of every bench phase in one JVM: one file per phase, one token per line,
 * users {@code <prefix>1..<prefix>N}. It signs with the same {@link Jwt} class the gateway verifies
 * with, so a token minted here is exactly what a shopper would present.
 *
 * <p>Usage: {@code SECKILL_JWT_SECRET=... java -cp seckill-load-test.jar io.seckill.loadtest.MintTokens
 * --out-dir DIR --ttl-seconds 3600 --file admit:bench-a-:120000 --file soldout:bench-s-:120000}
 * writes DIR/admit.tokens and DIR/soldout.tokens.
 */
public final class MintTokens {
  private MintTokens() {
  }

  public static void main(String[] args) throws IOException {
    CliArgs cli = new CliArgs(args);
    String secret = System.getenv("SECKILL_JWT_SECRET");
    if (secret == null || secret.length() < 32) {
      System.err.println("mint-tokens: SECKILL_JWT_SECRET must be set (>= 32 characters)");
      System.exit(2);
    }
    Path dir = Path.of(cli.required("--out-dir"));
    Files.createDirectories(dir);
    long ttl = cli.integer("--ttl-seconds", 3600);
    Jwt jwt = new Jwt(secret);
    for (String spec : cli.all("--file")) {
      String[] parts = spec.split(":", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException("--file wants name:userPrefix:count, got " + spec);
      }
      Path file = dir.resolve(parts[0] + ".tokens");
      write(jwt, file, parts[1], Integer.parseInt(parts[2]), ttl);
    }
  }

  static void write(Jwt jwt, Path file, String userPrefix, int count, long ttlSeconds) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int i = 1; i <= count; i++) {
        out.write(jwt.mint(userPrefix + i, ttlSeconds));
        out.newLine();
      }
    }
  }
}
