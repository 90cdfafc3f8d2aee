package io.seckill.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.config.BindHost;
import io.seckill.common.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A client never reads a parser's or an exception's own message: the failure handler answers fixed texts. */
class ProblemsTest {
  private static Vertx vertx;
  private static int port;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(RequestIds.handler());
    router.get("/number").handler(ctx -> Long.parseLong("99999999999999999999999"));
    router.get("/json").handler(ctx -> new JsonObject("{\"a\": tru"));
    router.get("/decode").handler(ctx -> {
      throw new DecodeException("Unexpected character ('x' (code 120)) at [Source: REDACTED; line: 1, column: 2]");
    });
    router.get("/bug").handler(ctx -> {
      throw new IllegalStateException("secret internal state at db-7.internal:5432");
    });
    router.route().failureHandler(Problems.failureHandler());
    port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/number", "/json", "/decode"})
  void aParserFailureAnswers400WithAFixedDetail(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(problem.getString("detail")).isEqualTo(Problems.MALFORMED_REQUEST);
    assertThat(response.body()).doesNotContain("For input string", "Exception", "Unexpected", "line:", "column:", "tru");
  }

  @Test
  void aBugAnswers500WithoutItsMessage() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bug")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(new JsonObject(response.body()).getString("detail")).isEqualTo("unexpected error");
    assertThat(response.body()).doesNotContain("secret", "db-7");
  }

  @Test
  void bindHostDefaultsToEveryInterfaceAndRefusesAPort() {
    assertThat(BindHost.from(io.seckill.common.config.Env.of(java.util.Map.of())).host()).isEqualTo("0.0.0.0");
    assertThat(new BindHost("::1").host()).isEqualTo("::1");
    Assertions.assertThatThrownBy(() -> new BindHost("127.0.0.1:8080")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECKILL_BIND_HOST");
  }
}
