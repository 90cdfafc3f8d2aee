package io.seckill.common.auth;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signatures over raw bodies (payment callbacks) and constant-time secret comparison. */
public final class Signatures {
  private Signatures() {
  }

  public static String hmacHex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when {@code signatureHex} is the HMAC of the exact bytes received; compared in constant time. */
  public static boolean validHmac(String secret, Buffer body, String signatureHex) {
    if (signatureHex == null || signatureHex.length() != 64) {
      return false;
    }
    return constantTimeEquals(hmacHex(secret, body.getBytes()), signatureHex.toLowerCase());
  }

  public static boolean constantTimeEquals(String expected, String actual) {
    if (expected == null || actual == null) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
  }
}
