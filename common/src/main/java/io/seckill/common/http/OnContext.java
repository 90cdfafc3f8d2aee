package io.seckill.common.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Starts an HTTP client call on a Vert.x context whoever calls. Started from a thread outside Vert.x (a service's
 * start-up, a test), a request's steps were sometimes chained after its answer had been handled on the event loop,
 * and the call waited out its bound: HttpPaymentProviderTest failed so in 5 of 17 runs, JwksTokenVerifierTest in CI.
 */
public final class OnContext {
  private OnContext() {
  }

  /** {@code call} at once on the caller's context; from any other thread, on a context of {@code vertx}. */
  public static <T> Future<T> run(Vertx vertx, Supplier<Future<T>> call) {
    if (Vertx.currentContext() != null) {
      return call.get();
    }
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(result));
    return result.future();
  }
}
