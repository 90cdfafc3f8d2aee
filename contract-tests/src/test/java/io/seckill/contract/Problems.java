package io.seckill.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Assertions on RFC 9457 answers: the media type, {@code status} equal to the HTTP status, a contract {@code code}. */
final class Problems {
  static final String PROBLEM_JSON = "application/problem+json";

  private Problems() {
  }

  static JsonObject assertProblem(Reply reply, int status, Set<String> codes, String context) {
    assertThat(reply.status()).as("%s: HTTP status of %s", context, reply).isEqualTo(status);
    assertThat(reply.header("Content-Type")).as("%s: content type of %s", context, reply).startsWith(PROBLEM_JSON);
    JsonObject body = reply.json();
    assertThat(body.getValue("status")).as("%s: problem status of %s", context, reply).isEqualTo(status);
    assertThat(body.getString("code")).as("%s: problem code of %s", context, reply).isIn(codes);
    assertThat(body.getString("type")).as("%s: problem type of %s", context, reply).startsWith("https://");
    assertThat(body.getString("title")).as("%s: problem title of %s", context, reply).isNotBlank();
    return body;
  }
}
