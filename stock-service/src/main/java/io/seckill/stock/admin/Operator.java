package io.seckill.stock.admin;

import io.seckill.common.http.RequestIds;
import io.seckill.stock.http.HttpInput;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Who made an operator control call, as the audit records it: the kind of credential that passed
 * {@link AdminAuth} (today the one operator bearer token) and, optionally, the name the caller gives in
 * {@code X-Seckill-Operator}. The name is a label, not an authentication: the token is what authorises.
 */
public record Operator(String credential, String name, String requestId) {
  static final String HEADER = "X-Seckill-Operator";
  /** The only admin credential today: the shared operator bearer token (SECKILL_ADMIN_TOKEN). */
  static final String ADMIN_TOKEN = "admin-token";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  /** The caller; a malformed X-Seckill-Operator is 400 before anything changes. */
  public static Operator of(RoutingContext ctx) {
    String name = ctx.request().getHeader(HEADER);
    if (name != null && !NAME.matcher(name).matches()) {
      throw HttpInput.invalidHeader(HEADER, "must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -");
    }
    String requestId = ctx.get(RequestIds.KEY);
    return new Operator(ADMIN_TOKEN, name, requestId);
  }
}
