package io.seckill.stock;

import io.seckill.common.auth.Signatures;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Guards /admin: {@code Authorization: Bearer <SECKILL_ADMIN_TOKEN>}, compared in constant time. */
final class AdminAuth implements Handler<RoutingContext> {
  private static final String BEARER = "Bearer ";
  private final String token;

  AdminAuth(String token) {
    this.token = token;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String presented = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim() : null;
    if (!Signatures.constantTimeEquals(token, presented)) {
      ctx.fail(new ProblemException(ErrorCode.UNAUTHENTICATED, "admin calls need Authorization: Bearer <admin token>"));
      return;
    }
    ctx.next();
  }
}
