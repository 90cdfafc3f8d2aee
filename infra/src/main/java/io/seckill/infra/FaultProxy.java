package io.seckill.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 in front of one target, whose faults a test switches at run time: every
 * mode applies to the connections already open as well as to new ones.
 *
 * <p>Threading: one daemon thread accepts; each connection has, per direction, a reader thread that
 * queues chunks with their arrival time as they come, and a writer thread that delivers the head
 * chunk once the mode in force says it is due (a timed wait, woken by new data and by every mode
 * change). So order is kept per direction and one slow connection never holds up another. Queues are
 * unbounded: a black-holed sender is never pushed back, which is fine for the little tests send.
 */
public final class FaultProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

  private final String name;
  private final String targetHost;
  private final int targetPort;
  private final ServerSocket listener;
  private final ExecutorService threads;
  private final Set<Thread> started = ConcurrentHashMap.newKeySet();
  private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ProxyMode mode = ProxyMode.PASS;

  private FaultProxy(String name, String targetHost, int targetPort, ServerSocket listener) {
    this.name = name;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = listener;
    AtomicInteger threadCount = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "fault-proxy-" + name + "-" + threadCount.incrementAndGet());
      thread.setDaemon(true);
      started.removeIf(done -> !done.isAlive());  // four threads a connection: keep only the live ones
      started.add(thread);
      return thread;
    });
  }

  /** A proxy in front of the server a URL names ({@code scheme://[user@]host:port/...}). */
  public static FaultProxy inFrontOf(String name, String url) {
    java.net.URI uri = java.net.URI.create(url);
    return start(name, uri.getHost(), uri.getPort());
  }

  /** {@code url} (which names this proxy's target) pointed at this proxy instead: what a client behind it uses. */
  public String route(String url) {
    java.net.URI uri = java.net.URI.create(url);
    try {
      return new java.net.URI(uri.getScheme(), uri.getUserInfo(), "127.0.0.1", port(), uri.getPath(), uri.getQuery(),
          uri.getFragment()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("cannot route " + url + " through " + hostAndPort(), e);
    }
  }

  /** Listens on a free port of 127.0.0.1. */
  public static FaultProxy start(String name, String targetHost, int targetPort) {
    return start(name, 0, targetHost, targetPort);
  }

  /** Listens on 127.0.0.1:{@code listenPort} (0 for a free one), forwarding to {@code targetHost:targetPort}. */
  public static FaultProxy start(String name, int listenPort, String targetHost, int targetPort) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(targetHost, "targetHost");
    try {
      ServerSocket listener = new ServerSocket();
      // A broker advertises a fixed proxy port: a proxy started again on it must not wait out TIME_WAIT.
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), listenPort));
      FaultProxy proxy = new FaultProxy(name, targetHost, targetPort, listener);
      proxy.threads.execute(proxy::acceptLoop);
      LOG.debug("fault proxy {} listening on {}, forwarding to {}:{}", name, proxy.hostAndPort(), targetHost, targetPort);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("fault proxy " + name + " could not listen on 127.0.0.1:" + listenPort, e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  /** Normal forwarding, the default; releases at once, in order, whatever earlier modes held back. */
  public void pass() {
    switchTo(ProxyMode.PASS);
  }

  /** Every chunk, both directions, is delivered {@code d} after it arrived, order kept. */
  public void delay(Duration d) {
    switchTo(ProxyMode.delay("delay", d, true));
  }

  /**
   * Client-to-server chunks are forwarded at once, server-to-client chunks {@code d} after they
   * arrived: the request takes effect, the answer comes after the client's timeout.
   */
  public void holdResponses(Duration d) {
    switchTo(ProxyMode.delay("holdResponses", d, false));
  }

  /**
   * Nothing is forwarded either way; connections stay open and silent, as behind a dropped route or a
   * stopped process. What arrives meanwhile is delivered, in order, when {@link #pass()} is called.
   */
  public void blackHole() {
    switchTo(ProxyMode.BLACK_HOLE);
  }

  /** Every open connection, and each new one until another mode is set, is closed with a TCP RST. */
  public void reset() {
    switchTo(ProxyMode.RESET);
  }

  /** The mode in force, for reports: {@code pass}, {@code delay 200ms}, {@code holdResponses 5000ms}, ... */
  public String mode() {
    return mode.label();
  }

  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Closes the listener and every connection and waits for the proxy's threads to end; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(listener);
    connections.forEach(ProxyConnection::close);
    threads.shutdownNow();
    // Joined, not just awaitTermination: a pool counts as terminated while its last threads still exit.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    try {
      for (Thread thread : started) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    started.removeIf(thread -> !thread.isAlive());
    if (!started.isEmpty()) {
      LOG.warn("fault proxy {}: threads {} still running 5 s after close", name, started);
    }
    LOG.debug("fault proxy {} on {} closed after {} connections", name, hostAndPort(), accepted.get());
  }

  private void switchTo(ProxyMode next) {
    mode = next;
    LOG.debug("fault proxy {} ({} -> {}:{}): {}", name, hostAndPort(), targetHost, targetPort, next.label());
    // Set before the sweep, read after registration in acceptLoop: no connection escapes a reset.
    for (ProxyConnection connection : connections) {
      if (next == ProxyMode.RESET) {
        connection.abort();
      } else {
        connection.wake();
      }
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.debug("fault proxy {}: accept failed, no longer listening", name, e);
        }
        return;
      }
      accepted.incrementAndGet();
      ProxyConnection connection = new ProxyConnection(this, client);
      connections.add(connection);
      if (mode == ProxyMode.RESET || closed.get()) {
        connection.abort();
        continue;
      }
      try {
        threads.execute(connection::open);
      } catch (RejectedExecutionException closing) {
        connection.abort();
      }
    }
  }

  static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception alreadyGone) {
      // nothing left to release
    }
  }

  ProxyMode currentMode() {
    return mode;
  }

  String name() {
    return name;
  }

  String targetHost() {
    return targetHost;
  }

  int targetPort() {
    return targetPort;
  }

  void execute(Runnable task) {
    threads.execute(task);
  }

  void forget(ProxyConnection connection) {
    connections.remove(connection);
  }
}
