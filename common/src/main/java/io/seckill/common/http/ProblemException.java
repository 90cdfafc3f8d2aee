package io.seckill.common.http;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A typed domain refusal, answered as RFC 9457 problem+json by {@link Problems#failureHandler()}.
 * Handlers throw (or fail futures with) these; they never set status codes themselves.
 */
public class ProblemException extends RuntimeException {
  private final ErrorCode code;
  private final JsonObject extensions;
  private final Map<String, String> headers;

  public ProblemException(ErrorCode code, String detail) {
    this(code, detail, new JsonObject(), Map.of());
  }

  public ProblemException(ErrorCode code, String detail, JsonObject extensions, Map<String, String> headers) {
    super(detail, null, false, false);
    this.code = code;
    this.extensions = extensions;
    this.headers = headers;
  }

  public static ProblemException invalid(String detail) {
    return new ProblemException(ErrorCode.INVALID_REQUEST, detail);
  }

  public static ProblemException unavailable(String detail, int retryAfterSeconds) {
    return new ProblemException(ErrorCode.UNAVAILABLE, detail, new JsonObject(),
        Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
  }

  public ErrorCode code() {
    return code;
  }

  public JsonObject extensions() {
    return extensions;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
