package io.seckill.gateway.dev;

import io.seckill.common.auth.Jwt;
import io.seckill.common.http.ProblemException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * {@code POST /dev/v1/token {userName}} → {@code {token, userName, expiresAt}}: a shopper JWT minted
 * with the gateway's own SECKILL_JWT_SECRET, so the local stack needs no identity provider.
 */
final class DevSignIn {
  /** The JWT subject alphabet {@link Jwt} accepts, so every minted token also verifies. */
  static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private final Jwt jwt;
  private final int ttlS;

  DevSignIn(Jwt jwt, int ttlS) {
    this.jwt = jwt;
    this.ttlS = ttlS;
  }

  void token(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    Object name = body == null ? null : body.getValue("userName");
    if (!(name instanceof String userName) || !USER_NAME.matcher(userName).matches()) {
      throw ProblemException.invalid("userName must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -");
    }
    String token = jwt.mint(userName, ttlS);
    ctx.json(new JsonObject().put("token", token).put("userName", userName)
        .put("expiresAt", Instant.now().plusSeconds(ttlS).toString()));
  }
}
