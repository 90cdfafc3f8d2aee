package io.seckill.common.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.impl.jose.JWK;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usable signing keys of a JWKS document (RFC 7517), each rebuilt as a minimal public JWK with its algorithm
 * fixed by its type: RSA (2048 bits or more) → RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA. Anything else is
 * skipped: keys without a kid, encryption keys, other algorithms or curves, and symmetric ({@code oct}) keys, which
 * would let anyone who reads the JWKS sign tokens. Certificates ({@code x5c}) are dropped: the key is trusted
 * because it came from the configured URL, and an IdP's self-signed certificate that expired must not disable it.
 */
final class JwksDocument {
  private static final Logger LOG = LoggerFactory.getLogger(JwksDocument.class);
  private static final int MAX_KID_LENGTH = 256;
  private static final int MIN_RSA_MODULUS_BYTES = 256;

  private JwksDocument() {
  }

  /** kid → public JWK with its alg set, in document order, at most {@code maxKeys}. */
  static Map<String, JsonObject> usableKeys(Buffer body, int maxKeys) {
    JsonArray keys = new JsonObject(body).getJsonArray("keys");
    if (keys == null) {
      throw new IllegalArgumentException("no \"keys\" array");
    }
    Map<String, JsonObject> usable = new LinkedHashMap<>();
    for (Object entry : keys) {
      if (!(entry instanceof JsonObject key)) {
        continue;
      }
      JsonObject jwk = publicJwk(key);
      String kid = key.getValue("kid") instanceof String k ? k : null;
      if (jwk == null || usable.containsKey(kid)) {
        LOG.debug("JWKS: skipping key kid={} kty={}", kid, key.getValue("kty"));
        continue;
      }
      if (usable.size() == maxKeys) {
        LOG.warn("JWKS: more than {} usable keys; the rest are ignored (SECKILL_JWT_JWKS_MAX_KEYS)", maxKeys);
        break;
      }
      usable.put(kid, jwk);
    }
    return usable;
  }

  /** The exact base64url length of a signature by this key: 0 (RSA: the library compares it with the modulus). */
  static int signatureChars(JsonObject jwk) {
    return switch (jwk.getString("alg")) {
      case "ES256", "EdDSA" -> 86; // 64 bytes: R||S, never DER
      default -> 0;
    };
  }

  private static JsonObject publicJwk(JsonObject key) {
    if (!(key.getValue("kid") instanceof String kid) || kid.isEmpty() || kid.length() > MAX_KID_LENGTH
        || key.containsKey("use") && !"sig".equals(key.getValue("use"))
        || !(key.getValue("kty") instanceof String kty)) {
      return null;
    }
    Object alg = key.getValue("alg");
    JsonObject jwk = new JsonObject().put("kid", kid).put("kty", kty);
    try {
      switch (kty) {
        case "RSA" -> {
          if (!(alg == null || "RS256".equals(alg)) || !(key.getValue("n") instanceof String n)
              || !(key.getValue("e") instanceof String e) || unsignedLength(n) < MIN_RSA_MODULUS_BYTES) {
            return null;
          }
          jwk.put("alg", "RS256").put("n", n).put("e", e);
        }
        case "EC" -> {
          if (!(alg == null || "ES256".equals(alg)) || !"P-256".equals(key.getValue("crv"))
              || !(key.getValue("x") instanceof String x) || !(key.getValue("y") instanceof String y)) {
            return null;
          }
          jwk.put("alg", "ES256").put("crv", "P-256").put("x", x).put("y", y);
        }
        case "OKP" -> {
          // RFC 9864 names the fully specified algorithm Ed25519; older IdPs say EdDSA.
          if (!(alg == null || "EdDSA".equals(alg) || "Ed25519".equals(alg)) || !"Ed25519".equals(key.getValue("crv"))
              || !(key.getValue("x") instanceof String x)) {
            return null;
          }
          jwk.put("alg", "EdDSA").put("crv", "Ed25519").put("x", x);
        }
        default -> {
          return null;
        }
      }
      new JWK(jwk); // the library can load it (valid point, valid encoding), or the key is skipped
      return jwk;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static int unsignedLength(String base64url) {
    byte[] bytes = Base64.getUrlDecoder().decode(base64url);
    int leadingZeros = 0;
    while (leadingZeros < bytes.length && bytes[leadingZeros] == 0) {
      leadingZeros++;
    }
    return bytes.length - leadingZeros;
  }
}
