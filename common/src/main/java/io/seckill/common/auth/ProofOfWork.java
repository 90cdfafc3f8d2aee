package io.seckill.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The proof-of-work a sale may ask before a purchase token (docs/bots.md): find a solution x such that
 * SHA-256(UTF-8(nonce) ‖ UTF-8(userId) ‖ ASCII(x)) starts with {@code difficulty} zero bits, x being the decimal
 * digits exactly as sent. Binding the user id in means one account's solution is worth nothing to another;
 * the server nonce (single use) means no solution can be computed before the sale hands one out. Checking
 * costs one hash; finding costs 2^difficulty hashes on average.
 */
public final class ProofOfWork {
  /** The same bound as stock-service's validation and the V5 migration's CHECK. */
  public static final int MAX_DIFFICULTY = 28;

  private ProofOfWork() {
  }

  /** True when the hash of nonce, user and solution has at least {@code difficulty} leading zero bits. */
  public static boolean solves(String nonce, String userId, String solution, int difficulty) {
    return leadingZeroBits(hash(nonce, userId, solution)) >= difficulty;
  }

  public static byte[] hash(String nonce, String userId, String solution) {
    MessageDigest sha256 = sha256();
    sha256.update(nonce.getBytes(StandardCharsets.UTF_8));
    sha256.update(userId.getBytes(StandardCharsets.UTF_8));
    sha256.update(solution.getBytes(StandardCharsets.US_ASCII));
    return sha256.digest();
  }

  public static int leadingZeroBits(byte[] digest) {
    int bits = 0;
    for (byte b : digest) {
      if (b != 0) {
        return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
      }
      bits += 8;
    }
    return bits;
  }

  /** The first solution from 0 up: what an honest client does (tests and load-test's PowHashRate use it). */
  public static long solve(String nonce, String userId, int difficulty) {
    for (long x = 0; ; x++) {
      if (solves(nonce, userId, Long.toString(x), difficulty)) {
        return x;
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
