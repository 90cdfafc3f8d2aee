package io.seckill.gateway.guards;

import io.seckill.gateway.warmup.WarmUpPass;
import io.seckill.common.auth.TokenVerifier;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Authenticates shopper calls with {@code Authorization: Bearer <JWT>} through a {@link TokenVerifier} (the shared
 * HS256 secret, or an identity provider's JWKS); the subject becomes the user id. Every refusal is the same 401: the
 * reason never reaches the client, and the token itself is never logged.
 *
 * <p>With a JWKS the gateway cannot mint tokens for its start-up warm-up, so the warm-up signs its own with a
 * secret that never leaves the process; they are accepted only on requests carrying the warm-up's
 * {@link WarmUpPass}, and only until the warm-up ends ({@link #endWarmUp()}).
 *
 * <p>Threading: verification usually completes on the spot (keys cached); when a token names a key not yet fetched,
 * the answer comes from the HTTP client's thread and routing resumes on the request's own context.
 */
public final class ShopperAuth implements Handler<RoutingContext> {
  public static final String USER_ID = "userId";
  private static final ProblemException UNAUTHENTICATED = new ProblemException(ErrorCode.UNAUTHENTICATED,
      "a valid bearer token is required", new JsonObject(), Map.of("WWW-Authenticate", "Bearer"));

  private final TokenVerifier shoppers;
  private final WarmUpPass pass;
  private volatile TokenVerifier warmUp;

  public ShopperAuth(TokenVerifier shoppers) {
    this(shoppers, null, null);
  }

  public ShopperAuth(TokenVerifier shoppers, WarmUpPass pass, TokenVerifier warmUp) {
    this.shoppers = shoppers;
    this.pass = pass;
    this.warmUp = warmUp;
  }

  /** The warm-up is over: its tokens are refused from now on. */
  public void endWarmUp() {
    warmUp = null;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(UNAUTHENTICATED);
      return;
    }
    TokenVerifier verifier = shoppers;
    TokenVerifier warm = warmUp;
    if (warm != null && pass.ipKey(ctx.request()) != null) {
      verifier = warm;
    }
    Future<String> user = verifier.subject(header.substring(7).trim());
    if (user.isComplete()) {
      finish(ctx, user);
      return;
    }
    Context context = Vertx.currentContext();
    user.onComplete(done -> context.runOnContext(v -> finish(ctx, user)));
  }

  private static void finish(RoutingContext ctx, Future<String> user) {
    if (user.failed()) {
      ctx.fail(UNAUTHENTICATED);
      return;
    }
    ctx.put(USER_ID, user.result());
    ctx.next();
  }

  public static String userId(RoutingContext ctx) {
    return ctx.get(USER_ID);
  }
}
