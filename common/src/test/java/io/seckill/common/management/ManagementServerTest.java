package io.seckill.common.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.config.HttpTimeouts;
import io.seckill.common.metrics.ServiceRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagementServerTest {
  private static final HttpTimeouts TIMEOUTS = new HttpTimeouts(2_000, 60, 10_000);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private ServiceRuntime runtime;
  private ManagementServer server;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.vertx().close().await();
    }
  }

  private int start(Health health) {
    runtime = ServiceRuntime.create("management-test", 1);
    server = new ManagementServer(runtime, health, ManagementServer.ANY_HOST, 0, TIMEOUTS);
    runtime.vertx().deployVerticle(server).await();
    return server.actualPort();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsLivenessAndReadinessOnItsOwnPort() throws Exception {
    int port = start(new Health(1_000, 1_000).check("postgres", Future::succeededFuture));
    assertThat(port).isPositive();

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes", "service=\"management-test\"");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("checks").getJsonObject("postgres").getString("status"))
        .isEqualTo("UP");
  }

  @Test
  void everyOtherPathIsAProblemJson404() throws Exception {
    start(new Health(1_000, 1_000));
    for (String path : List.of("/api/v1/sales/1", "/admin/v1/sales", "/openapi.yaml", "/health", "/metricsx")) {
      HttpResponse<String> answer = get(path);
      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
      assertThat(new JsonObject(answer.body()).getString("code")).as(path).isEqualTo("NOT_FOUND");
    }
  }

  @Test
  void concurrentReadinessProbesOverHttpRunOneDependencyCheck() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    Promise<Void> slow = Promise.promise();
    start(new Health(5_000, 60_000).check("redis", () -> {
      checks.incrementAndGet();
      return slow.future();
    }));
    List<CompletableFuture<HttpResponse<String>>> probes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      probes.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
          + "/health/ready")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 1);
    runtime.vertx().setTimer(200, id -> slow.complete());
    for (CompletableFuture<HttpResponse<String>> probe : probes) {
      assertThat(probe.get().statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }
    assertThat(checks).as("dependency checks for 40 probes within the interval").hasValue(1);
  }

  @Test
  void anUnreachableRedisAnswers503WithoutItsHostPortOrExceptionText() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    runtime = ServiceRuntime.create("management-test", 1);
    Redis redis = Redis.createClient(runtime.vertx(), new RedisOptions()
        .setConnectionString("redis://127.0.0.1:" + closedPort));
    RedisAPI api = RedisAPI.api(redis);
    Health health = new Health(1_500, 1_000).check("redis", () -> api.ping(List.of()));
    server = new ManagementServer(runtime, health, ManagementServer.ANY_HOST, 0, TIMEOUTS);
    runtime.vertx().deployVerticle(server).await();

    HttpResponse<String> ready = get("/health/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    JsonObject redisCheck = new JsonObject(ready.body()).getJsonObject("checks").getJsonObject("redis");
    assertThat(redisCheck.getString("status")).isEqualTo("DOWN");
    assertThat(redisCheck.getString("reason")).isIn(Health.UNAVAILABLE, Health.TIMEOUT);
    assertThat(ready.body()).doesNotContain("127.0.0.1", "localhost", Integer.toString(closedPort), "refused",
        "Exception", "redis://", "Connection");
  }
}
