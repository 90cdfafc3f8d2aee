package io.seckill.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for stock-service's {@code POST /admin/v1/orders/{orderId}/cancel}, an external HTTP contract. */
final class FakeStockService implements AutoCloseable {
  record Call(String path, String authorization, String body) {
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  volatile int status = 200;
  volatile String contentType = "application/json";
  volatile String body = "{\"orderId\":\"x\",\"status\":\"CANCELLED\"}";

  FakeStockService() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/admin/v1/orders/", exchange -> {
      String received = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(new Call(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"), received));
      byte[] answer = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
