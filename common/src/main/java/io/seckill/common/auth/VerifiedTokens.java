package io.seckill.common.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The tokens one key has already verified, until they expire: a shopper sends the same token with every request of
 * the sale (token, order, status polls), and an RS256/ES256/EdDSA check costs tens to hundreds of microseconds where a
 * SHA-256 of the token costs about one. Keyed by the SHA-256 of the whole token, so a different payload under a
 * reused signature is a miss. It lives and dies with its {@link KeyVerifier}: a key dropped from the JWKS takes its
 * verified tokens with it.
 *
 * <p>Bounded: at {@code max} entries the expired ones go, and if that frees nothing the map is emptied (a flash sale's
 * tokens are short-lived; the next requests just verify again).
 */
final class VerifiedTokens {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  });

  private record Verified(String subject, long validUntilMs) {
  }

  private final ConcurrentHashMap<ByteBuffer, Verified> tokens = new ConcurrentHashMap<>();
  private final int max;
  private final long leewayMs;
  private final LongSupplier clockMs;

  /** @param max entries kept; 0 turns the cache off */
  VerifiedTokens(int max, int leewayS, LongSupplier clockMs) {
    this.max = max;
    this.leewayMs = leewayS * 1000L;
    this.clockMs = clockMs;
  }

  boolean enabled() {
    return max > 0;
  }

  static ByteBuffer key(String token) {
    return ByteBuffer.wrap(SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The subject of a token verified before and not yet expired (with the leeway), or null. */
  String subject(ByteBuffer key) {
    Verified verified = tokens.get(key);
    if (verified == null) {
      return null;
    }
    if (clockMs.getAsLong() >= verified.validUntilMs) {
      tokens.remove(key, verified);
      return null;
    }
    return verified.subject;
  }

  void remember(ByteBuffer key, String subject, long expSeconds) {
    if (tokens.size() >= max) {
      long now = clockMs.getAsLong();
      tokens.values().removeIf(v -> now >= v.validUntilMs);
      if (tokens.size() >= max) {
        tokens.clear();
      }
    }
    tokens.put(key, new Verified(subject, expSeconds * 1000 + leewayMs));
  }

  int size() {
    return tokens.size();
  }
}
