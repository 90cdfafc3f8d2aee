package io.seckill.gateway.dev;

import io.seckill.common.auth.Jwt;
import io.seckill.gateway.GatewayComponents;
import io.seckill.gateway.guards.RequestGuards;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /dev/**}: mounted only when SECKILL_DEV_MODE=true (see {@link DevModeConfig}); when it is
 * off, nothing is mounted and these paths fall through to the gateway's 404.
 * <ul>
 *   <li>{@code GET /dev/v1/status} → {@code {devMode: true}}: how the shopper page learns to offer the dev sign-in</li>
 *   <li>{@code POST /dev/v1/token {userName}} → {@code {token, userName, expiresAt}}</li>
 *   <li>{@code POST /dev/v1/orders/{orderId}/pay} (shopper JWT, owner only) → the payment callback's answer</li>
 * </ul>
 */
public final class DevRoutes {
  private DevRoutes() {
  }

  public static void mount(Router r, Vertx vertx, GatewayComponents c, int selfPort) {
    DevModeConfig dev = c.config().devMode();
    if (!dev.enabled()) {
      return;
    }
    DevSignIn signIn = new DevSignIn(new Jwt(c.config().jwt().secret()), dev.tokenTtlS());
    PaymentSimulator payments = new PaymentSimulator(vertx, selfPort, dev);
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(c.config().bodyLimitBytes());

    r.route("/dev/*").handler(c.guards().ipLimit());
    r.get("/dev/v1/status").handler(ctx -> ctx.json(new JsonObject().put("devMode", true)));
    r.post("/dev/v1/token").handler(RequestGuards.jsonOnly(true));
    r.post("/dev/v1/token").handler(body).handler(signIn::token);
    r.post("/dev/v1/orders/:orderId/pay").handler(c.auth()).handler(c.guards().userLimit())
        .handler(RequestGuards.jsonOnly(false));
    r.post("/dev/v1/orders/:orderId/pay").handler(body).handler(payments::pay);
  }
}
