package io.seckill.gateway;

import io.seckill.common.auth.Jwt;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates shopper calls with {@code Authorization: Bearer <JWT>} (HS256 pinned by
 * {@link Jwt}); the subject becomes the user id. The token itself is never logged.
 */
public final class ShopperAuth implements Handler<RoutingContext> {
  public static final String USER_ID = "userId";
  private static final ProblemException UNAUTHENTICATED = new ProblemException(ErrorCode.UNAUTHENTICATED,
      "a valid bearer token is required", new JsonObject(), Map.of("WWW-Authenticate", "Bearer"));

  private final Jwt jwt;

  public ShopperAuth(Jwt jwt) {
    this.jwt = jwt;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    Optional<String> user = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? jwt.verify(header.substring(7).trim()) : Optional.empty();
    if (user.isEmpty()) {
      ctx.fail(UNAUTHENTICATED);
      return;
    }
    ctx.put(USER_ID, user.get());
    ctx.next();
  }

  public static String userId(RoutingContext ctx) {
    return ctx.get(USER_ID);
  }
}
