package io.seckill.common.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns failures into RFC 9457 {@code application/problem+json} answers. */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";
  /** The detail of a request a parser refused: fixed, never the parser's message. */
  public static final String MALFORMED_REQUEST = "the request is malformed";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  public static void send(RoutingContext ctx, ProblemException problem) {
    send(ctx.response(), ctx.get(RequestIds.KEY), problem);
  }

  /**
   * Answers {@code problem} unless an answer has already begun; {@code requestId} may be null. The detail is the
   * problem's message, which our code chooses: a ProblemException is never built from another exception's message.
   */
  public static void send(HttpServerResponse response, String requestId, ProblemException problem) {
    if (response.headWritten()) {
      return;
    }
    ErrorCode code = problem.code();
    JsonObject body = new JsonObject()
        .put("type", code.type())
        .put("title", code.title())
        .put("status", code.status())
        .put("code", code.name());
    if (problem.getMessage() != null) {
      body.put("detail", problem.getMessage());
    }
    if (requestId != null) {
      body.put("requestId", requestId);
    }
    body.mergeIn(problem.extensions());
    for (Map.Entry<String, String> header : problem.headers().entrySet()) {
      response.putHeader(header.getKey(), header.getValue());
    }
    response.setStatusCode(code.status()).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
  }

  /**
   * For {@code HttpServer.invalidRequestHandler}: a request the HTTP codec refused before any router saw
   * it (headers over the size limit, an over-long request line, malformed framing) still gets a
   * problem+json answer (431, 414 or 400); the connection is then closed, as Vert.x's default does.
   */
  public static Handler<HttpServerRequest> invalidRequestHandler() {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      ErrorCode code = cause instanceof TooLongHttpHeaderException ? ErrorCode.HEADERS_TOO_LARGE
          : cause instanceof TooLongHttpLineException ? ErrorCode.URI_TOO_LONG : ErrorCode.INVALID_REQUEST;
      JsonObject body = new JsonObject().put("type", code.type()).put("title", code.title()).put("status", code.status())
          .put("code", code.name()).put("detail", "the request could not be read as HTTP");
      request.response().setStatusCode(code.status()).putHeader("Content-Type", CONTENT_TYPE).putHeader("Connection", "close")
          .end(body.encode());
    };
  }

  /**
   * Ends a router the one way every Seckill server does: a path it does not serve is a problem+json 404, a path it
   * serves asked with another method a problem+json 405, and every failure goes through {@link #failureHandler()}.
   * Not a catch-all last route: that would also answer the wrong method 404. Call it after the last route.
   */
  public static void answerTheRest(Router router) {
    router.route().failureHandler(failureHandler());
    router.errorHandler(404, ctx -> send(ctx, noSuchResource()));
    router.errorHandler(405, ctx -> send(ctx, new ProblemException(ErrorCode.METHOD_NOT_ALLOWED, null)));
  }

  /** The one 404 of a path no route serves. */
  public static ProblemException noSuchResource() {
    return new ProblemException(ErrorCode.NOT_FOUND, "no such resource");
  }

  /** Maps every failure reaching the router — typed refusals, Vert.x Web's own status codes, bugs. */
  public static Handler<RoutingContext> failureHandler() {
    return ctx -> {
      Throwable failure = ctx.failure();
      if (failure instanceof ProblemException problem) {
        send(ctx, problem);
        return;
      }
      if (failure instanceof DecodeException || failure instanceof IllegalArgumentException) {
        // A parser's own text (Jackson's, NumberFormatException's) names our internals and echoes the input: the
        // client gets a fixed sentence, the log gets the exception with the request id.
        LOG.info("request {} {} refused as malformed (request id {}): {}", ctx.request().method(), ctx.normalizedPath(),
            ctx.get(RequestIds.KEY), failure.toString());
        send(ctx, ProblemException.invalid(MALFORMED_REQUEST));
        return;
      }
      int status = ctx.statusCode();
      ErrorCode code = switch (status) {
        case 400 -> ErrorCode.INVALID_REQUEST;
        case 401 -> ErrorCode.UNAUTHENTICATED;
        case 404 -> ErrorCode.NOT_FOUND;
        case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
        case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
        case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
        case 503 -> ErrorCode.UNAVAILABLE;
        default -> ErrorCode.INTERNAL;
      };
      if (code == ErrorCode.INTERNAL) {
        LOG.error("request {} {} failed (request id {})", ctx.request().method(), ctx.normalizedPath(),
            (Object) ctx.get(RequestIds.KEY), failure);
      }
      send(ctx, new ProblemException(code, code == ErrorCode.INTERNAL ? "unexpected error" : null));
    };
  }
}
