package io.seckill.infra;

/**
 * A service endpoint and, when we started the service ourselves, how to stop it.
 *
 * @param value       what clients need to connect (a URL or a bootstrap string)
 * @param description where it came from, for the logs and the launcher's banner
 * @param stopper     stops the server we own; a no-op for servers we only use
 */
public record Resolved<T>(T value, String description, Stopper stopper) {

  @FunctionalInterface
  public interface Stopper {
    void stop() throws Exception;
  }

  static <T> Resolved<T> external(T value, String description) {
    return new Resolved<>(value, description, () -> { });
  }

  static <T> Resolved<T> owned(T value, String description, Stopper stopper) {
    return new Resolved<>(value, description, stopper);
  }

  public boolean owned() {
    return !description.startsWith("configured") && !description.startsWith("local port");
  }
}
