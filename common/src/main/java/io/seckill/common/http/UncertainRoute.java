package io.seckill.common.http;

import io.vertx.core.http.HttpMethod;
import java.util.regex.Pattern;

/**
 * A route whose effect may already have happened when its request runs out of time (a Lua reservation, a Kafka
 * send, a committed payment): the deadline answers it 504 OUTCOME_UNKNOWN with {@code detail}, not 503, because
 * 503 promises that nothing was done.
 *
 * @param method the route's method
 * @param path   the route's path, {@code {param}} segments matching any one segment
 * @param detail what the caller should do (each such route is safe to retry)
 */
public record UncertainRoute(HttpMethod method, String path, String detail) {
  public UncertainRoute {
    pattern(path); // a malformed template fails at start, not at the first timeout
  }

  boolean matches(HttpMethod requestMethod, String requestPath) {
    return method.equals(requestMethod) && requestPath != null && pattern(path).matcher(requestPath).matches();
  }

  private static Pattern pattern(String template) {
    StringBuilder regex = new StringBuilder();
    for (String segment : template.substring(1).split("/", -1)) {
      regex.append('/').append(segment.startsWith("{") && segment.endsWith("}") ? "[^/]+" : Pattern.quote(segment));
    }
    return Pattern.compile(regex + "/?");
  }
}
