package io.seckill.infra.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The one HTTP client tests call local services with: HTTP/1.1 (as the services' clients speak), 5 s to connect. */
public final class LocalHttp {
  public static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** A request's default timeout: above every service's own deadline, below a test's patience. */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private LocalHttp() {
  }

  /** http://127.0.0.1:port + path. */
  public static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Sends with {@link #TIMEOUT} unless the request sets its own; a failure to get any answer is unchecked. */
  public static HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request.timeout(TIMEOUT).build());
  }

  public static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(request.method() + " " + request.uri() + " interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    }
  }
}
