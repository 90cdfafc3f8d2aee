package io.seckill.common.http;

import io.seckill.common.config.HttpTimeouts;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP server of the project answers within bounds, whatever its dependencies do ({@link HttpTimeouts}):
 * <ul>
 *   <li>a request not answered within {@code requestTimeoutMs} gets problem+json — 503 UNAVAILABLE, or 504
 *       OUTCOME_UNKNOWN on the service's {@link UncertainRoute}s — and whatever its handlers write later is dropped
 *       ({@link DeadlineResponse}). It wraps the whole router, so it covers every route, 404s included; the answer
 *       comes at most one sweep (a twentieth of the timeout, 10-100 ms) after the deadline;</li>
 *   <li>a new connection whose first request head has not arrived within {@code readTimeoutMs} is closed
 *       (slowloris: a client that sends part of a head, or trickles it, holds no connection for long);</li>
 *   <li>a connection silent both ways for {@code idleTimeoutS} is closed (keep-alive connections between requests).
 *       Not a read-idle timeout: that would also cut keep-alive connections a load balancer still holds.</li>
 * </ul>
 * One instance per server instance; its handlers run on that server's event loop.
 */
public final class HttpDeadlines {
  private static final Logger LOG = LoggerFactory.getLogger(HttpDeadlines.class);
  static final int RETRY_AFTER_S = 1;

  private final Vertx vertx;
  private final HttpTimeouts timeouts;
  private final List<UncertainRoute> uncertainRoutes;
  private final Map<HttpConnection, Long> awaitingFirstHead = new ConcurrentHashMap<>();
  private final java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
  private final long timeoutNanos;
  private final long sweepMs;
  private long sweeper = -1;

  private HttpDeadlines(Vertx vertx, HttpTimeouts timeouts, List<UncertainRoute> uncertainRoutes) {
    this.vertx = vertx;
    this.timeouts = timeouts;
    this.uncertainRoutes = List.copyOf(uncertainRoutes);
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeouts.requestTimeoutMs());
    // The answer comes at most one sweep late: a twentieth of the timeout, 10 to 100 ms.
    this.sweepMs = Math.max(10, Math.min(100, timeouts.requestTimeoutMs() / 20));
  }

  /** An HTTP server (not yet listening) serving {@code router} within the deadlines. */
  public static HttpServer server(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> router,
                                  HttpTimeouts timeouts, List<UncertainRoute> uncertainRoutes) {
    HttpDeadlines deadlines = new HttpDeadlines(vertx, timeouts, uncertainRoutes);
    // h2c off: with it on, Vert.x calls the connection handler only once the first head is complete (it must see
    // whether it asks to upgrade), so a slowloris would go unseen. Nothing of ours speaks cleartext HTTP/2.
    HttpServerOptions bounded = new HttpServerOptions(options).setHttp2ClearTextEnabled(false)
        .setIdleTimeout(timeouts.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS);
    return vertx.createHttpServer(bounded)
        .connectionHandler(deadlines::connected)
        .requestHandler(deadlines.within(router))
        .invalidRequestHandler(Problems.invalidRequestHandler());
  }

  private void connected(HttpConnection connection) {
    long timer = vertx.setTimer(timeouts.readTimeoutMs(), id -> {
      if (awaitingFirstHead.remove(connection) != null) {
        LOG.debug("closing connection from {}: no complete request head within {} ms", connection.remoteAddress(),
            timeouts.readTimeoutMs());
        connection.close();
      }
    });
    awaitingFirstHead.put(connection, timer);
    connection.closeHandler(closed -> headArrived(connection));
  }

  private void headArrived(HttpConnection connection) {
    Long timer = awaitingFirstHead.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** A request not answered yet, as the sweep sees it. */
  private record InFlight(long deadlineNanos, HttpServerRequest request, HttpServerResponse real,
                          DeadlineResponse guarded) {
  }

  private Handler<HttpServerRequest> within(Handler<HttpServerRequest> router) {
    return request -> {
      headArrived(request.connection());
      HttpServerResponse real = request.response();
      DeadlineResponse guarded = new DeadlineResponse(real);
      // Every request of this server gets the same timeout, so arrival order is deadline order: a queue swept a
      // few times per timeout replaces a timer per request (scheduled and cancelled on the hot path).
      inFlight.addLast(new InFlight(System.nanoTime() + timeoutNanos, request, real, guarded));
      if (sweeper < 0) {
        sweeper = vertx.setPeriodic(sweepMs, id -> sweep());
      }
      router.handle(new GuardedRequest((HttpServerRequestInternal) request, guarded));
    };
  }

  /** Answers the requests past their deadline; stops itself while nothing is in flight. Runs on this server's loop. */
  private void sweep() {
    long now = System.nanoTime();
    while (!inFlight.isEmpty()) {
      InFlight head = inFlight.peekFirst();
      if (!head.real().ended() && !head.real().closed() && head.deadlineNanos() - now > 0) {
        break;
      }
      inFlight.pollFirst();
      if (!head.real().ended() && !head.real().closed()) {
        expire(head.request(), head.real(), head.guarded());
      }
    }
    if (inFlight.isEmpty()) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  private void expire(HttpServerRequest request, HttpServerResponse real, DeadlineResponse guarded) {
    if (real.headWritten() || real.closed()) {
      return; // answered (or answering), or nobody left to answer
    }
    guarded.expire();
    ProblemException problem = uncertainRoutes.stream()
        .filter(route -> route.matches(request.method(), request.path()))
        .findFirst()
        .map(route -> unknownOutcome(route, guarded))
        .orElseGet(() -> ProblemException.unavailable("no answer within " + timeouts.requestTimeoutMs()
            + " ms, a dependency is slow; retry shortly", RETRY_AFTER_S));
    if (!request.isEnded()) {
      real.putHeader("Connection", "close"); // the unread rest of the body must not be parsed as a next request
    }
    String requestId = real.headers().get(RequestIds.HEADER);
    LOG.warn("{} {} not answered within {} ms: answered {} (request id {})", request.method(), request.path(),
        timeouts.requestTimeoutMs(), problem.code(), requestId);
    Problems.send(real, requestId, problem);
  }

  /**
   * Tells the deadline which resource a route's outcome concerns once it is known (the order a purchase just
   * reserved), so a 504 OUTCOME_UNKNOWN names it ({@code orderId} and {@code Location}) instead of leaving the
   * caller to find it ({@code Location} is {@code locationPrefix} + id, built only if the deadline answers). A
   * response outside {@link HttpDeadlines} (a test's) ignores it.
   */
  public static void namePendingOutcome(HttpServerResponse response, String id, String locationPrefix) {
    if (response instanceof DeadlineResponse guarded) {
      guarded.pending(id, locationPrefix);
    }
  }

  private static ProblemException unknownOutcome(UncertainRoute route, DeadlineResponse guarded) {
    JsonObject named = new JsonObject();
    Map<String, String> headers = new java.util.HashMap<>();
    headers.put("Retry-After", Integer.toString(RETRY_AFTER_S));
    if (guarded.pendingId() != null) {
      named.put("orderId", guarded.pendingId()).put("status", "UNKNOWN");
      headers.put("Location", guarded.pendingLocationPrefix() + guarded.pendingId());
    }
    return new ProblemException(ErrorCode.OUTCOME_UNKNOWN, route.detail(), named, headers);
  }

  /** The request the router sees: its response is the guarded one. */
  private static final class GuardedRequest extends HttpServerRequestWrapper {
    private final DeadlineResponse response;

    GuardedRequest(HttpServerRequestInternal delegate, DeadlineResponse response) {
      super(delegate);
      this.response = response;
    }

    @Override
    public HttpServerResponse response() {
      return response;
    }
  }
}
