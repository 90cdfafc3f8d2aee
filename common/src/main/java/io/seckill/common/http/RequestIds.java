package io.seckill.common.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A request id per HTTP request: the caller's {@code X-Request-Id} when it is sane, else a fresh
 * one; echoed in the response, put in problem bodies and log lines, and carried into the
 * Kafka message so one order can be followed end to end.
 */
public final class RequestIds {
  public static final String KEY = "requestId";
  public static final String HEADER = "X-Request-Id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private RequestIds() {
  }

  public static Handler<RoutingContext> handler() {
    return ctx -> {
      String incoming = ctx.request().getHeader(HEADER);
      String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : fresh();
      ctx.put(KEY, id);
      ctx.response().putHeader(HEADER, id);
      ctx.next();
    };
  }

  public static String fresh() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }
}
