package io.seckill.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports below the kernel's ephemeral range (32768+), so a port we pick is never handed to a client socket. */
public final class Ports {
  private static final int LOW = 20000;
  private static final int HIGH = 32000;

  private Ports() {
  }

  public static synchronized int freePort() {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port found between " + LOW + " and " + HIGH);
  }

  public static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polling pause for start-up waits; tests wait with Awaitility instead. */
  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a service to start", e);
    }
  }
}
