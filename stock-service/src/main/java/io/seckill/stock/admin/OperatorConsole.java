package io.seckill.stock.admin;

import io.seckill.common.http.Problems;

import io.seckill.stock.http.ClasspathFiles;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator console: {@code /admin/} (and {@code /admin} redirects there) and {@code /admin/console/*}, served from the classpath folder {@code console}.
 * The files hold no data, so they load without the operator token; every figure on the page comes from
 * {@code /admin/v1/*} calls that carry it. Mount before {@link AdminAuth}: these routes end the request themselves.
 */
public final class OperatorConsole {
  /** Everything the page loads comes from this origin; no inline script or style, no framing, no form posts. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; object-src 'none'; "
      + "frame-ancestors 'none'; form-action 'none'";

  private OperatorConsole() {
  }

  public static void mount(Router router) {
    Handler<RoutingContext> headers = ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    };
    // The page is read once; an exact route would hand StaticHandler the whole path, not a file name.
    Buffer index = Buffer.buffer(ClasspathFiles.text("/console/index.html"));
    router.get("/admin/").handler(headers)
        .handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(index));
    // After the page's route: this one alone would match "/admin/" too.
    router.get("/admin").handler(ctx -> ctx.redirect("/admin/"));
    router.get("/admin/console/*").handler(headers).handler(files("console"))
        // An asset that is not there is a 404 here, not a 401 from the admin guard behind this route.
        .handler(ctx -> ctx.fail(Problems.noSuchResource()));
  }

  private static StaticHandler files(String root) {
    // Small, unfingerprinted files: revalidate every time, so a new build is seen at once.
    return StaticHandler.create(root).setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false)
        .setIndexPage("index.html");
  }
}
