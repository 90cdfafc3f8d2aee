package io.seckill.loadtest;

import io.seckill.common.auth.JwksTokenVerifier;
import io.seckill.common.auth.Jwt;
import io.seckill.common.auth.JwtSettings;
import io.seckill.common.auth.SecretTokenVerifier;
import io.seckill.common.auth.TokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CPU cost of verifying one shopper token, per algorithm, through the gateway's own verifiers (vertx-auth-jwt
 * behind {@link SecretTokenVerifier} and {@link JwksTokenVerifier}, the JWKS served by an in-process HTTP server):
 * HS256 (the shared secret), RS256 (RSA 2048), ES256 (P-256) and EdDSA (Ed25519). Each runs on one thread, warm
 * (a warm-up first: {@code --warmup-seconds} and at least 20,000 calls), for {@code --seconds} in windows of {@code --window-ms}; the figure is the median window's
 * CPU µs per verification (the thread's CPU time, so a busy machine slows the run but not the figure). Prints {@code {"hs256":…,"rs256":…,"es256":…,"eddsa":…,"es256_repeat":…}} (the last: a token used again, answered from the verified-token cache); with {@code --merge-into FILE}
 * also adds it to that JSON file as {@code jwt_verify_us} (scripts/bench.sh's bench-results.json).
 *
 * <p>Usage: {@code JwtVerifyCost [--seconds 5] [--warmup-seconds 3] [--window-ms 250] [--merge-into FILE]
 * [--jdk-baseline true]}; the last also prints the JDK's bare signature check per algorithm, for comparison.
 */
public final class JwtVerifyCost {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String ISSUER = "https://idp.bench/realms/shop";
  private static final String AUDIENCE = "seckill-gateway";
  private static final int TOKENS = 512;
  private static final int WARMUP_CALLS = 20_000;

  private JwtVerifyCost() {
  }

  public static void main(String[] args) throws Exception {
    CliArgs cli = new CliArgs(args);
    int seconds = cli.integer("--seconds", 5);
    int warmupSeconds = cli.integer("--warmup-seconds", 3);
    int windowMs = cli.integer("--window-ms", 250);
    String mergeInto = cli.optional("--merge-into", null);

    Vertx vertx = Vertx.vertx();
    try {
      KeyPair rsa = generate("RSA", null);
      KeyPair ec = generate("EC", new ECGenParameterSpec("secp256r1"));
      KeyPair ed = generate("Ed25519", null);
      JsonArray keys = new JsonArray().add(jwk("rsa", "RS256", rsa)).add(jwk("ec", "ES256", ec)).add(jwk("ed", "EdDSA", ed));
      HttpServer server = vertx.createHttpServer()
          .requestHandler(r -> r.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("keys", keys).encode()))
          .listen(0, "127.0.0.1").await();
      // A token's first use: the verified-token cache off, so every call checks the signature.
      String certs = "http://127.0.0.1:" + server.actualPort() + "/certs";
      JwtSettings idp = new JwtSettings(null, certs, ISSUER, AUDIENCE, 30, 3600, 3600, 10_000, 32, 0);
      JwksTokenVerifier jwks = new JwksTokenVerifier(vertx, idp);
      jwks.start().timeout(60, TimeUnit.SECONDS).await(); // the JWKS fetch failed: see the log
      // Its next uses (the gateway's default): the same tokens again hit the cache.
      JwksTokenVerifier remembering = new JwksTokenVerifier(vertx,
          new JwtSettings(null, certs, ISSUER, AUDIENCE, 30, 3600, 3600, 10_000, 32, 100_000));
      remembering.start().timeout(60, TimeUnit.SECONDS).await();
      String secret = "bench-jwt-secret-0123456789-abcdefghij";
      JwtSettings hs = new JwtSettings(secret, null, null, null, 30, 3600, 300, 10_000, 32, 0);
      TokenVerifier hs256 = new SecretTokenVerifier(vertx, secret, hs);
      Jwt minter = new Jwt(secret);

      JsonObject figures = new JsonObject();
      figures.put("hs256", measure(hs256, tokens(i -> minter.mint("bench-" + i, 3600)), seconds, warmupSeconds, windowMs));
      figures.put("rs256", measure(jwks, tokens(i -> sign("RS256", "rsa", rsa, i)), seconds, warmupSeconds, windowMs));
      figures.put("es256", measure(jwks, tokens(i -> sign("ES256", "ec", ec, i)), seconds, warmupSeconds, windowMs));
      figures.put("eddsa", measure(jwks, tokens(i -> sign("EdDSA", "ed", ed, i)), seconds, warmupSeconds, windowMs));
      figures.put("es256_repeat", measure(remembering, tokens(i -> sign("ES256", "ec", ec, i)), seconds, warmupSeconds,
          windowMs));
      System.out.println(figures.encode());
      if (cli.optional("--jdk-baseline", "false").equals("true")) {
        // The JDK's own signature check alone (no parsing, no claims): what no JWT library can go below.
        JsonObject jdk = new JsonObject();
        jdk.put("rs256", measure(jdkOnly("SHA256withRSA", rsa), tokens(i -> sign("RS256", "rsa", rsa, i)), seconds, warmupSeconds, windowMs));
        jdk.put("es256", measure(jdkOnly("SHA256withECDSAinP1363Format", ec), tokens(i -> sign("ES256", "ec", ec, i)), seconds, warmupSeconds, windowMs));
        jdk.put("eddsa", measure(jdkOnly("Ed25519", ed), tokens(i -> sign("EdDSA", "ed", ed, i)), seconds, warmupSeconds, windowMs));
        System.out.println(new JsonObject().put("jdk_signature_only_us", jdk).encode());
      }
      if (mergeInto != null) {
        Path file = Path.of(mergeInto);
        JsonObject results = new JsonObject(Files.readString(file));
        results.put("jwt_verify_us", figures);
        Files.writeString(file, results.encodePrettily() + "\n", StandardCharsets.UTF_8);
      }
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Median over windows of the measuring thread's CPU µs per verification, after a warm-up; every token must verify.
   * CPU time rather than wall time: on a shared machine other processes' load would otherwise count as ours.
   */
  private static double measure(TokenVerifier verifier, List<String> tokens, int seconds, int warmupSeconds, int windowMs) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // Warm: the time asked for, and enough calls that C2 has compiled the path even on a busy machine.
    long warmed = run(verifier, tokens, warmupSeconds * 1000L);
    while (warmed < WARMUP_CALLS) {
      warmed += run(verifier, tokens, 500);
    }
    List<Double> windows = new ArrayList<>();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long started = threads.getCurrentThreadCpuTime();
      long done = run(verifier, tokens, windowMs);
      windows.add((threads.getCurrentThreadCpuTime() - started) / 1000.0 / done);
    }
    windows.sort(Double::compare);
    return Math.round(windows.get(windows.size() / 2) * 100) / 100.0;
  }

  private static long run(TokenVerifier verifier, List<String> tokens, long ms) {
    long deadline = System.nanoTime() + ms * 1_000_000L;
    long done = 0;
    int i = 0;
    while (System.nanoTime() < deadline) {
      for (int batch = 0; batch < 16; batch++) {
        var subject = verifier.subject(tokens.get(i));
        if (!subject.succeeded()) {
          throw new IllegalStateException("a benchmark token did not verify: " + subject.cause());
        }
        i = (i + 1) % tokens.size();
        done++;
      }
    }
    return done;
  }

  private static TokenVerifier jdkOnly(String algorithm, KeyPair pair) throws Exception {
    Signature signature = Signature.getInstance(algorithm);
    return token -> {
      try {
        int dot = token.lastIndexOf('.');
        signature.initVerify(pair.getPublic());
        signature.update(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
        return signature.verify(Base64.getUrlDecoder().decode(token.substring(dot + 1)))
            ? io.vertx.core.Future.succeededFuture("ok") : io.vertx.core.Future.failedFuture("bad signature");
      } catch (Exception e) {
        return io.vertx.core.Future.failedFuture(e);
      }
    };
  }

  private interface Mint {
    String token(int i) throws Exception;
  }

  private static List<String> tokens(Mint mint) throws Exception {
    List<String> tokens = new ArrayList<>(TOKENS);
    for (int i = 0; i < TOKENS; i++) {
      tokens.add(mint.token(i));
    }
    return tokens;
  }

  /** An IdP-shaped token: kid, iss, aud, iat, exp, sub. */
  private static String sign(String alg, String kid, KeyPair pair, int i) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String input = b64(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid).encode()) + "."
        + b64(new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", "bench-" + i).put("iat", now)
            .put("exp", now + 3600).encode());
    Signature signature = Signature.getInstance(switch (alg) {
      case "RS256" -> "SHA256withRSA";
      case "ES256" -> "SHA256withECDSAinP1363Format";
      default -> "Ed25519";
    });
    signature.initSign(pair.getPrivate());
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + B64.encodeToString(signature.sign());
  }

  private static JsonObject jwk(String kid, String alg, KeyPair pair) {
    JsonObject jwk = new JsonObject().put("kid", kid).put("alg", alg).put("use", "sig");
    if (pair.getPublic() instanceof RSAPublicKey key) {
      return jwk.put("kty", "RSA").put("n", unsigned(key.getModulus(), 0)).put("e", unsigned(key.getPublicExponent(), 0));
    }
    if (pair.getPublic() instanceof ECPublicKey key) {
      return jwk.put("kty", "EC").put("crv", "P-256").put("x", unsigned(key.getW().getAffineX(), 32))
          .put("y", unsigned(key.getW().getAffineY(), 32));
    }
    byte[] spki = pair.getPublic().getEncoded();
    return jwk.put("kty", "OKP").put("crv", "Ed25519").put("x", B64.encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
  }

  /** Big-endian bytes without the sign byte, left-padded to {@code length} when it is not 0. */
  private static String unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    int start = bytes[0] == 0 && bytes.length > 1 ? 1 : 0;
    int size = bytes.length - start;
    byte[] out = new byte[Math.max(length, size)];
    System.arraycopy(bytes, start, out, out.length - size, size);
    return B64.encodeToString(out);
  }

  private static KeyPair generate(String algorithm, ECGenParameterSpec curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) {
      generator.initialize(curve);
    } else if (algorithm.equals("RSA")) {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  private static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
