package io.seckill.loadtest;

import io.seckill.common.auth.ProofOfWork;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * What a sale's proof-of-work costs a bot (docs/bots.md): SHA-256 hashes per second of one core, measured the
 * way a careful bot would hash (the nonce and user id absorbed once, the digest state cloned per try), and the
 * expected seconds of one core per solved challenge, that is per purchase token, at each difficulty.
 *
 * <pre>java -cp load-test/target/seckill-load-test.jar io.seckill.loadtest.PowHashRate [--seconds 5]</pre>
 */
public final class PowHashRate {
  private PowHashRate() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = 5;
    for (int i = 0; i < args.length; i++) {
      if ("--seconds".equals(args[i]) && i + 1 < args.length) {
        seconds = Integer.parseInt(args[++i]);
      } else {
        System.err.println("usage: PowHashRate [--seconds N]   (N: 1..600, default 5)");
        System.exit(2);
      }
    }
    if (seconds < 1 || seconds > 600) {
      System.err.println("--seconds must be 1..600");
      System.exit(2);
    }
    measure(1); // warm-up: let the JIT compile the loop before it is timed
    double rate = measure(seconds);
    System.out.printf(Locale.ROOT, "SHA-256 (Java, one thread): %.0f hashes/s over %d s on %d available cores%n", rate,
        seconds, Runtime.getRuntime().availableProcessors());
    System.out.println("difficulty  expected hashes  seconds of one core per challenge (= per purchase token)");
    for (int bits = 8; bits <= ProofOfWork.MAX_DIFFICULTY; bits += 2) {
      double hashes = Math.pow(2, bits);
      System.out.printf(Locale.ROOT, "%10d  %15.0f  %.4g%n", bits, hashes, hashes / rate);
    }
    // Sanity: the hashing measured is the one the gateway checks.
    String nonce = "rate-check-nonce";
    long x = ProofOfWork.solve(nonce, "rate-check-user", 12);
    if (!ProofOfWork.solves(nonce, "rate-check-user", Long.toString(x), 12)) {
      throw new IllegalStateException("ProofOfWork.solve found a solution that does not check");
    }
  }

  /** Hashes per second of one thread over {@code seconds}, trying x = 0, 1, 2, … against one nonce and user. */
  static double measure(int seconds) throws NoSuchAlgorithmException, CloneNotSupportedException {
    MessageDigest prefix = MessageDigest.getInstance("SHA-256");
    prefix.update("hash-rate-probe-nonce-0123456789a".getBytes(StandardCharsets.UTF_8));
    prefix.update("rate-probe".getBytes(StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long started = System.nanoTime();
    long hashes = 0;
    int sink = 0;
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < 4096; i++, hashes++) {
        MessageDigest attempt = (MessageDigest) prefix.clone();
        sink += ProofOfWork.leadingZeroBits(attempt.digest(Long.toString(hashes).getBytes(StandardCharsets.US_ASCII)));
      }
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    if (sink == Integer.MIN_VALUE) {
      System.out.println(); // keeps the digests from being optimised away
    }
    return hashes / elapsed;
  }
}
