package io.seckill.gateway.guards;

import io.seckill.gateway.GatewayMetrics;
import io.seckill.gateway.warmup.WarmUpPass;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.order.OrderIds;
import io.seckill.gateway.clientip.ClientIp;
import io.seckill.gateway.clientip.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Cheap checks that run before any lookup: rate limits, media type, and id shapes. */
public final class RequestGuards {
  private final RateLimiter perUser;
  private final RateLimiter perIp;
  private final GatewayMetrics metrics;
  private final WarmUpPass warmUp;
  private final ClientIp clientIp;

  public RequestGuards(RateLimiter perUser, RateLimiter perIp, GatewayMetrics metrics) {
    this(perUser, perIp, metrics, new WarmUpPass(), new ClientIp(TrustedProxies.none()));
  }

  public RequestGuards(RateLimiter perUser, RateLimiter perIp, GatewayMetrics metrics, WarmUpPass warmUp, ClientIp clientIp) {
    this.perUser = perUser;
    this.perIp = perIp;
    this.metrics = metrics;
    this.warmUp = warmUp;
    this.clientIp = clientIp;
  }

  /** After the start-up warm-up: its synthetic buckets go, so real clients find the limiters as if it never ran. */
  public void forgetWarmUp() {
    WarmUpPass.forgetKeys(perIp, perUser);
  }

  /**
   * Per client IP, as {@link ClientIp} sees it: the peer (TCP, or PROXY protocol's), and forwarding headers only
   * from SECKILL_TRUSTED_PROXIES, which no client can forge; IPv6 per /64.
   */
  public Handler<RoutingContext> ipLimit() {
    return ctx -> {
      String warmUpKey = warmUp.ipKey(ctx.request());
      String ip = warmUpKey != null ? warmUpKey : clientIp.key(ctx.request());
      long wait = perIp.tryAcquire(ip);
      if (wait > 0) {
        metrics.rateLimited(false);
        ctx.fail(rateLimited(wait));
        return;
      }
      ctx.next();
    };
  }

  /** Per authenticated user; runs after {@link ShopperAuth}. */
  public Handler<RoutingContext> userLimit() {
    return ctx -> {
      long wait = perUser.tryAcquire(ShopperAuth.userId(ctx));
      if (wait > 0) {
        metrics.rateLimited(true);
        ctx.fail(rateLimited(wait));
        return;
      }
      ctx.next();
    };
  }

  /** POST bodies must be JSON; a body-less POST (token, cancel) is fine without a Content-Type. */
  public static Handler<RoutingContext> jsonOnly(boolean bodyRequired) {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      String type = request.getHeader("Content-Type");
      String length = request.getHeader("Content-Length");
      boolean hasBody = bodyRequired || (length != null && !"0".equals(length)) || request.getHeader("Transfer-Encoding") != null;
      if (hasBody && !isJson(type)) {
        ctx.fail(new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json"));
        return;
      }
      ctx.next();
    };
  }

  /**
   * POSTs that take no input (purchase token, cancel): no body, or the empty object {@code {}}. Anything
   * else is refused (400) instead of being ignored, so a malformed request is never acted upon.
   */
  public static Handler<RoutingContext> noInput() {
    return ctx -> {
      Buffer body = ctx.body().buffer();
      if (body != null && body.length() > 0 && !isEmptyObject(body)) {
        ctx.fail(ProblemException.invalid("this call takes no input: send no body or {}"));
        return;
      }
      ctx.next();
    };
  }

  private static boolean isEmptyObject(Buffer body) {
    try {
      return Json.decodeValue(body) instanceof JsonObject json && json.isEmpty();
    } catch (DecodeException e) {
      return false;
    }
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return mediaType.equalsIgnoreCase("application/json");
  }

  /** A positive 64-bit integer, checked before any lookup. */
  public static long saleId(RoutingContext ctx) {
    String raw = ctx.pathParam("saleId");
    if (raw == null || raw.isEmpty() || raw.length() > 19 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw ProblemException.invalid("saleId must be a positive 64-bit integer");
    }
    try {
      long id = Long.parseLong(raw);
      if (id <= 0) {
        throw ProblemException.invalid("saleId must be a positive 64-bit integer");
      }
      return id;
    } catch (NumberFormatException e) {
      throw ProblemException.invalid("saleId must be a positive 64-bit integer");
    }
  }

  public static String orderId(RoutingContext ctx) {
    String raw = ctx.pathParam("orderId");
    if (!OrderIds.valid(raw)) {
      throw ProblemException.invalid("orderId is not a valid order id");
    }
    return raw;
  }

  private static ProblemException rateLimited(long retryAfterSeconds) {
    return new ProblemException(ErrorCode.RATE_LIMITED, "too many requests", new JsonObject(),
        Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }
}
