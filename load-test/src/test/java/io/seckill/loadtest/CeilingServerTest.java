package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CeilingServerTest {
  private static final int BODY = 81;
  private static final int HEADERS = 150;
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    port = CeilingServer.start(vertx, 0, 2, CeilingResponse.matching(BODY, HEADERS)).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void answersA202OfExactlyTheMeasuredHeaderAndBodySizes() throws IOException {
    String raw = post("{\"quantity\":1}");

    int headerEnd = raw.indexOf("\r\n\r\n") + 4;
    assertThat(raw).startsWith("HTTP/1.1 202 Accepted\r\n");
    assertThat(headerEnd).isEqualTo(HEADERS);
    assertThat(raw.length() - headerEnd).isEqualTo(BODY);
    assertThat(raw.substring(headerEnd)).startsWith("{\"orderId\":\"1-").endsWith("\"status\":\"QUEUED\"}");
  }

  @Test
  void theAnswerIsShapedLikeTheGatewaysAdmission() {
    CeilingResponse answer = CeilingResponse.matching(BODY, HEADERS);

    assertThat(new io.vertx.core.json.JsonObject(answer.body()).getString("status")).isEqualTo("QUEUED");
    assertThat(answer.location()).startsWith("/api/v1/orders/");
    assertThat(answer.bodyBytes()).isEqualTo(BODY);
    assertThat(answer.headerBytes()).isEqualTo(HEADERS);
  }

  @Test
  void sizesTooSmallForTheShapeAreRefused() {
    assertThatThrownBy(() -> CeilingResponse.matching(10, HEADERS)).hasMessageContaining("body must be at least");
    assertThatThrownBy(() -> CeilingResponse.matching(BODY, 40)).hasMessageContaining("headers must be at least");
  }

  /** One keep-alive request (as wrk sends) over a raw socket, so the bytes counted are the bytes on the wire. */
  private static String post(String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/sales/1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      int headerEnd = -1;
      int contentLength = -1;
      while (headerEnd < 0 || received.length() < headerEnd + contentLength) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        received.append((char) b);
        if (headerEnd < 0 && received.toString().endsWith("\r\n\r\n")) {
          headerEnd = received.length();
          Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(received);
          contentLength = m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
      }
      return received.toString();
    }
  }
}
