package io.seckill.contract;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs, valid and forged, so the gateway's verifier can be attacked from outside. */
final class Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {
  }

  static String header(String alg) {
    return b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode());
  }

  static String claims(String subject, long expiresAtEpochS) {
    JsonObject claims = new JsonObject().put("iat", System.currentTimeMillis() / 1000).put("exp", expiresAtEpochS);
    if (subject != null) {
      claims.put("sub", subject);
    }
    return b64(claims.encode());
  }

  static long inOneHour() {
    return System.currentTimeMillis() / 1000 + 3600;
  }

  /** header.payload.signature with the signature computed by {@code macAlgorithm} (HmacSHA256, HmacSHA512) and {@code key}. */
  static String signed(String header, String payload, String macAlgorithm, String key) {
    String input = header + "." + payload;
    return input + "." + B64.encodeToString(mac(macAlgorithm, key, input));
  }

  static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] mac(String algorithm, String key, String input) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
