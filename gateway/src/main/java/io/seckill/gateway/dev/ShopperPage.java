package io.seckill.gateway.dev;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The shopper page: {@code /} and {@code /shop/*} served from the classpath folder {@code webroot}.
 * Not dev-only (it works against any gateway, given a shopper token); it lives here beside the dev
 * routes it offers when they are on.
 */
public final class ShopperPage {
  /** Everything the page loads comes from this origin; no inline script or style, no framing. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'";

  private ShopperPage() {
  }

  public static void mount(Router r) {
    // The files are small and not fingerprinted: revalidate every time, so a new build is seen at once.
    // A wildcard route hands StaticHandler the path after its prefix, so /shop/* is rooted at webroot/shop.
    StaticHandler page = files("webroot");
    StaticHandler assets = files("webroot/shop");
    Handler<RoutingContext> headers = ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    };
    r.get("/").handler(headers).handler(page);
    r.get("/shop/*").handler(headers).handler(assets);
  }

  private static StaticHandler files(String root) {
    return StaticHandler.create(root).setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false)
        .setIndexPage("index.html");
  }
}
