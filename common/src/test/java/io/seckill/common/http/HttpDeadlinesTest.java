package io.seckill.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.config.HttpTimeouts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpDeadlinesTest {
  private static final int REQUEST_TIMEOUT_MS = 300;
  private static final int READ_TIMEOUT_MS = 500;
  private static final Duration BOUND = Duration.ofMillis(REQUEST_TIMEOUT_MS + 1500);

  private static Vertx vertx;
  private static int port;
  private static final List<Throwable> unhandled = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean lateWriteDone = new AtomicBoolean();
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.exceptionHandler(unhandled::add);
    Router router = Router.router(vertx);
    router.route().handler(RequestIds.handler());
    router.get("/fast").handler(ctx -> ctx.json(new JsonObject().put("ok", true)));
    router.get("/never").handler(ctx -> { });
    router.post("/buy/:id").handler(ctx -> { });
    router.post("/buy/:id/named").handler(ctx -> HttpDeadlines.namePendingOutcome(ctx.response(), "7-ORDER",
        "/orders/"));
    router.get("/late").handler(ctx -> vertx.setTimer(REQUEST_TIMEOUT_MS * 2L, id -> {
      try {
        ctx.response().setStatusCode(200).putHeader("X-Late", "yes");
        ctx.json(new JsonObject().put("late", true));
      } catch (RuntimeException e) {
        unhandled.add(e); // what Vert.x would log as "Unhandled exception"
      } finally {
        lateWriteDone.set(true);
      }
    }));
    router.route().failureHandler(Problems.failureHandler());
    List<UncertainRoute> uncertain = List.of(new UncertainRoute(HttpMethod.POST, "/buy/{id}", "may or may not; retry"),
        new UncertainRoute(HttpMethod.POST, "/buy/{id}/named", "may or may not; check the order"));
    port = HttpDeadlines.server(vertx, new HttpServerOptions(), router,
        new HttpTimeouts(REQUEST_TIMEOUT_MS, 60, READ_TIMEOUT_MS), uncertain).listen(0).await().actualPort();
    // The JVM's first request pays for class loading; the timed ones below should not.
    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fast")).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    return response;
  }

  @Test
  void aRequestAnsweredInTimeIsUntouched() throws Exception {
    HttpResponse<String> response = send("GET", "/fast");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getBoolean("ok")).isTrue();
  }

  @Test
  void anUnansweredRequestGetsUnavailableWithRetryAfterAtTheDeadline() throws Exception {
    HttpResponse<String> response = send("GET", "/never");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problems.CONTENT_TYPE);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(body.getString("requestId")).isEqualTo(response.headers().firstValue(RequestIds.HEADER).orElseThrow());
  }

  @Test
  void anUnansweredRequestOnAnUncertainRouteGetsOutcomeUnknownWithTheRoutesDetail() throws Exception {
    HttpResponse<String> response = send("POST", "/buy/42");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("code")).isEqualTo("OUTCOME_UNKNOWN");
    assertThat(body.getString("detail")).isEqualTo("may or may not; retry");
    assertThat(send("GET", "/buy/42").statusCode()).as("another method on the same path").isNotEqualTo(504);
  }

  @Test
  void aHandlerCompletingAfterTheDeadlineWritesNothingAndRaisesNothing() throws Exception {
    HttpResponse<String> response = send("GET", "/late");
    await().atMost(Duration.ofSeconds(5)).untilTrue(lateWriteDone);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("X-Late")).isEmpty();
    assertThat(unhandled).isEmpty();
  }

  @Test
  void aConnectionThatSendsPartOfARequestHeadAndThenNothingIsClosedWithinTheReadTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write("GET /fast HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout(READ_TIMEOUT_MS + 3000);
      long start = System.nanoTime();
      assertThat(socket.getInputStream().read()).as("closed by the server, nothing answered").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(READ_TIMEOUT_MS + 2000));
    }
  }

  @Test
  void aConnectionThatTricklesItsRequestHeadIsClosedWithinTheReadTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("GET /fast HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      socket.setSoTimeout(100);
      // One header line every 100 ms, never the blank line that ends the head.
      await().atMost(Duration.ofMillis(READ_TIMEOUT_MS + 2000)).pollInterval(Duration.ofMillis(100)).until(() -> {
        try {
          out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return in.read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
          return false;
        } catch (java.io.IOException closed) {
          return true;
        }
      });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(READ_TIMEOUT_MS - 100));
    }
  }

  @Test
  void anUnknownOutcomeNamesTheResourceTheRouteWasWaitingFor() throws Exception {
    HttpResponse<String> response = send("POST", "/buy/7/named");

    assertThat(response.statusCode()).isEqualTo(504);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("code")).isEqualTo("OUTCOME_UNKNOWN");
    assertThat(body.getString("orderId")).isEqualTo("7-ORDER");
    assertThat(response.headers().firstValue("Location")).hasValue("/orders/7-ORDER");
  }
}
