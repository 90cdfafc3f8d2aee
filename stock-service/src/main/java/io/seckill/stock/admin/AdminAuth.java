package io.seckill.stock.admin;

import io.seckill.common.auth.Signatures;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Guards /admin with two bearer tokens, each compared in constant time:
 * <ul>
 *   <li>{@code SECKILL_ADMIN_TOKEN}, the operators': every admin route;</li>
 *   <li>{@code SECKILL_CANCEL_TOKEN}, the gateway's: only the shopper-cancel hand-off
 *       ({@code POST /admin/v1/orders/{orderId}/cancel}); anywhere else it gets 403 FORBIDDEN, so a compromised gateway
 *       cannot create sales, force warm-ups or read the operators' views.</li>
 * </ul>
 * Anything else is 401.
 */
public final class AdminAuth implements Handler<RoutingContext> {
  private static final String BEARER = "Bearer ";
  /** The one route the cancel token opens; the path as the router matches it (normalized). */
  static final Pattern CANCEL_HAND_OFF = Pattern.compile("/admin/v1/orders/[^/]+/cancel");
  private final String adminToken;
  private final String cancelToken;

  public AdminAuth(String adminToken, String cancelToken) {
    this.adminToken = adminToken;
    this.cancelToken = cancelToken;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String presented = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim() : null;
    // Both comparisons always run (no short circuit), so the time taken tells nothing about which token matched.
    boolean admin = Signatures.constantTimeEquals(adminToken, presented);
    boolean cancel = Signatures.constantTimeEquals(cancelToken, presented);
    if (admin) {
      ctx.next();
    } else if (cancel) {
      if (ctx.request().method() == HttpMethod.POST && CANCEL_HAND_OFF.matcher(ctx.normalizedPath()).matches()) {
        ctx.next();
      } else {
        ctx.fail(new ProblemException(ErrorCode.FORBIDDEN, "this token is good only for handing shopper cancels over"));
      }
    } else {
      ctx.fail(new ProblemException(ErrorCode.UNAUTHENTICATED, "admin calls need Authorization: Bearer <admin token>"));
    }
  }
}
