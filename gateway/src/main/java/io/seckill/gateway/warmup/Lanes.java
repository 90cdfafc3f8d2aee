package io.seckill.gateway.warmup;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The warm-up's concurrency: a fixed number of lanes, each a chain of steps that completes its promise when it stops. */
final class Lanes {
  private Lanes() {
  }

  /** Starts {@code count} lanes on the caller's context (or an event loop's); completes when every lane has. */
  static Future<Void> run(Vertx vertx, int count, Consumer<Promise<Void>> firstStep) {
    List<Future<Void>> lanes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Promise<Void> lane = Promise.promise();
      lanes.add(lane.future());
      vertx.runOnContext(v -> firstStep.accept(lane));
    }
    return Future.join(lanes).mapEmpty();
  }
}
