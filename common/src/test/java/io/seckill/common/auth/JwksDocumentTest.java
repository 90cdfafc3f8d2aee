package io.seckill.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which keys of a JWKS document the gateway will verify with, and with which algorithm. */
class JwksDocumentTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private static JsonObject rsa(String kid, int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
    return new JsonObject().put("kid", kid).put("kty", "RSA").put("n", unsigned(key.getModulus()))
        .put("e", unsigned(key.getPublicExponent()));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return B64.encodeToString(bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
  }

  private static Map<String, JsonObject> usable(List<JsonObject> keys, int maxKeys) {
    return JwksDocument.usableKeys(Buffer.buffer(new JsonObject().put("keys", new JsonArray(keys)).encode()), maxKeys);
  }

  @Test
  void onlySigningKeysOfTheThreeAlgorithmsWithAKidAreKeptEachPinnedToItsAlgorithm() throws Exception {
    JsonObject good = rsa("good", 2048).put("use", "sig").put("x5c", new JsonArray().add("not even a certificate"))
        .put("d", "private parts are never kept");
    Map<String, JsonObject> keys = usable(List.of(good,
        rsa("small", 1024),
        rsa("enc", 2048).put("use", "enc"),
        rsa("ps", 2048).put("alg", "PS256"),
        rsa(null, 2048).put("kid", 7),
        new JsonObject().put("kid", "oct").put("kty", "oct").put("k", "c2VjcmV0"),
        new JsonObject().put("kid", "p384").put("kty", "EC").put("crv", "P-384").put("x", "AA").put("y", "AA"),
        new JsonObject().put("kid", "x25519").put("kty", "OKP").put("crv", "X25519").put("x", B64.encodeToString(new byte[32])),
        rsa("good", 2048)), 32);
    assertThat(keys).containsOnlyKeys("good");
    assertThat(keys.get("good").fieldNames()).containsExactlyInAnyOrder("kid", "kty", "alg", "n", "e");
    assertThat(keys.get("good").getString("alg")).isEqualTo("RS256");
  }

  @Test
  void atMostMaxKeysAreKeptInDocumentOrder() throws Exception {
    Map<String, JsonObject> keys = usable(List.of(rsa("a", 2048), rsa("b", 2048), rsa("c", 2048)), 2);
    assertThat(keys.keySet()).containsExactly("a", "b");
  }

  @Test
  void aDocumentWithoutAKeysArrayIsRefused() {
    assertThatThrownBy(() -> JwksDocument.usableKeys(Buffer.buffer("{\"keyz\":[]}"), 32))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwksDocument.usableKeys(Buffer.buffer("<html>"), 32)).isInstanceOf(RuntimeException.class);
  }
}
