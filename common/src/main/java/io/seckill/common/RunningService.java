package io.seckill.common;

import io.vertx.core.Future;

/** A started service: where it listens, and how to stop it cleanly. Tests start services in-process through this. */
public interface RunningService {
  /**
   * The port the public HTTP server actually bound (useful when configured with port 0): the shopper API, the
   * operator and payment API; the order consumer, which has no public server, answers its management port.
   */
  int httpPort();

  /** The port the management server ({@code /metrics}, {@code /health/*}) actually bound. */
  int managementPort();

  /** Stops accepting work, finishes what is in flight, closes clients and the Vert.x instance. */
  Future<Void> stop();
}
