package io.seckill.common;

import io.vertx.core.Future;

/** A started service: where it listens, and how to stop it cleanly. Tests start services in-process through this. */
public interface RunningService {
  /** The port the HTTP server actually bound (useful when configured with port 0). */
  int httpPort();

  /** Stops accepting work, finishes what is in flight, closes clients and the Vert.x instance. */
  Future<Void> stop();
}
