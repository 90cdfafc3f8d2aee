package io.seckill.contract;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** One HTTP answer, kept as bytes so a test can look at exactly what the server sent. */
record Reply(int status, HttpHeaders headers, byte[] body) {
  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  JsonObject json() {
    return new JsonObject(text());
  }

  String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  @Override
  public String toString() {
    return status + " " + header("Content-Type") + " " + (body.length > 600 ? text().substring(0, 600) + "..." : text());
  }
}
