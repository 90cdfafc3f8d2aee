package io.seckill.stock.http;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.http.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request-shape guards shared by the routes: JSON only (415), a JSON object body, positive ids, and the typed field
 * reads every body shares (400 INVALID_REQUEST naming the field or header).
 */
public final class HttpInput {
  static final String MALFORMED_JSON = "the body is not valid JSON";
  private static final Logger LOG = LoggerFactory.getLogger(HttpInput.class);

  private HttpInput() {
  }

  /** Routes that take a body accept application/json and nothing else. */
  public static Handler<RoutingContext> requireJson() {
    return ctx -> {
      String type = ctx.request().getHeader("Content-Type");
      String mime = type == null ? "" : type.split(";", 2)[0].trim();
      if (!"application/json".equalsIgnoreCase(mime)) {
        ctx.fail(new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send Content-Type: application/json"));
        return;
      }
      ctx.next();
    };
  }

  public static JsonObject jsonObject(RoutingContext ctx) {
    Buffer body = rawBody(ctx);
    if (body.length() == 0) {
      throw ProblemException.invalid("a JSON object body is required");
    }
    try {
      Object value = body.toJsonValue();
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      // Jackson's text (line, column, the bytes it choked on) stays in the log.
      LOG.info("request {} {}: the body is not JSON: {}", ctx.get(RequestIds.KEY), ctx.normalizedPath(), e.toString());
      throw ProblemException.invalid(MALFORMED_JSON);
    }
    throw ProblemException.invalid("the body must be a JSON object");
  }

  /** The bytes received; an empty body is an empty buffer (Vert.x gives null), never a NullPointerException (500). */
  public static Buffer rawBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null ? Buffer.buffer() : body;
  }

  public static long saleId(RoutingContext ctx) {
    String raw = ctx.pathParam("saleId");
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw invalid("saleId", "must be a positive integer");
  }

  public static ProblemException invalid(String field, String problem) {
    return new ProblemException(ErrorCode.INVALID_REQUEST, field + " " + problem, new JsonObject().put("field", field), Map.of());
  }

  /** A bad request header, named in the answer the way a bad field is. */
  public static ProblemException invalidHeader(String header, String problem) {
    return new ProblemException(ErrorCode.INVALID_REQUEST, header + " " + problem, new JsonObject().put("header", header),
        Map.of());
  }

  public static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s)) {
      throw invalid(field, value == null ? "is required" : "must be a string");
    }
    return s;
  }

  public static long integer(JsonObject body, String field, long min, long max) {
    Object value = body.getValue(field);
    if (value == null) {
      throw invalid(field, "is required");
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw invalid(field, "must be an integer");
    }
    long n = ((Number) value).longValue();
    if (n < min || n > max) {
      throw invalid(field, "must be between " + min + " and " + max);
    }
    return n;
  }
}
