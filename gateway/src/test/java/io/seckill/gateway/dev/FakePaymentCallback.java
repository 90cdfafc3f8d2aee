package io.seckill.gateway.dev;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for stock-service's {@code POST /api/v1/payments/callback}: records every delivery and answers 200. */
final class FakePaymentCallback implements AutoCloseable {
  record Delivery(byte[] body, String signature, String contentType) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  static final String ANSWER = "{\"orderStatus\":\"PAID\",\"result\":\"APPLIED\",\"refundRequired\":false}";

  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  FakePaymentCallback() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/payments/callback", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      deliveries.add(new Delivery(body, exchange.getRequestHeaders().getFirst("X-Signature"),
          exchange.getRequestHeaders().getFirst("Content-Type")));
      byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/payments/callback";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
