package io.seckill.gateway;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** A signing key an identity provider would hold, generated in the test: its public JWK and tokens signed with it. */
record IdpKey(String kid, String alg, KeyPair pair) {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  static IdpKey rsa(String kid) {
    return new IdpKey(kid, "RS256", generate("RSA", 2048));
  }

  static IdpKey ec(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new IdpKey(kid, "ES256", generator.generateKeyPair());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static IdpKey ed25519(String kid) {
    return new IdpKey(kid, "EdDSA", generate("Ed25519", 0));
  }

  private static KeyPair generate(String algorithm, int size) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (size > 0) {
        generator.initialize(size);
      }
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWK as an IdP publishes it (alg included, as Keycloak and Auth0 do). */
  JsonObject jwk() {
    JsonObject jwk = new JsonObject().put("kid", kid).put("use", "sig").put("alg", alg);
    switch (alg) {
      case "RS256" -> {
        RSAPublicKey key = (RSAPublicKey) pair.getPublic();
        jwk.put("kty", "RSA").put("n", unsigned(key.getModulus())).put("e", unsigned(key.getPublicExponent()));
      }
      case "ES256" -> {
        ECPublicKey key = (ECPublicKey) pair.getPublic();
        jwk.put("kty", "EC").put("crv", "P-256").put("x", fixed(key.getW().getAffineX(), 32))
            .put("y", fixed(key.getW().getAffineY(), 32));
      }
      default -> {
        byte[] spki = pair.getPublic().getEncoded(); // the raw 32-byte key ends the SubjectPublicKeyInfo
        jwk.put("kty", "OKP").put("crv", "Ed25519").put("x", B64.encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
      }
    }
    return jwk;
  }

  /** A token with this key's kid and alg in its header. */
  String sign(JsonObject claims) {
    return sign(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid), claims);
  }

  /** A token with any header, signed with this key. */
  String sign(JsonObject header, JsonObject claims) {
    String input = b64(header.encode()) + "." + b64(claims.encode());
    try {
      Signature signature = Signature.getInstance(switch (alg) {
        case "RS256" -> "SHA256withRSA";
        case "ES256" -> "SHA256withECDSAinP1363Format"; // JOSE wants R||S, not DER
        default -> "Ed25519";
      });
      signature.initSign(pair.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return B64.encodeToString(bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
  }

  private static String fixed(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(bytes.length, length);
    System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
    return B64.encodeToString(out);
  }
}
