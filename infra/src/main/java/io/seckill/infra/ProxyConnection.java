package io.seckill.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client connection through a {@link FaultProxy}: its socket to the target and a pipe per direction. */
final class ProxyConnection {
  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final FaultProxy proxy;
  private final Socket client;
  private final ProxyPipe towardsTarget;
  private final ProxyPipe towardsClient;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicInteger openDirections = new AtomicInteger(2);
  private volatile Socket target;

  ProxyConnection(FaultProxy proxy, Socket client) {
    this.proxy = proxy;
    this.client = client;
    this.towardsTarget = new ProxyPipe(true, proxy::currentMode);
    this.towardsClient = new ProxyPipe(false, proxy::currentMode);
  }

  /** Connects to the target, then this thread becomes the writer towards the client. */
  void open() {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(proxy.targetHost(), proxy.targetPort()), CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      LOG.debug("fault proxy {}: cannot reach {}:{}, resetting the client", proxy.name(), proxy.targetHost(), proxy.targetPort(), e);
      FaultProxy.closeQuietly(socket);
      abort();
      return;
    }
    target = socket;
    if (finished.get()) {  // aborted while connecting, before the target socket was visible
      FaultProxy.closeQuietly(socket);
      return;
    }
    LOG.debug("fault proxy {}: {} connected to {}", proxy.name(), client.getRemoteSocketAddress(), socket.getLocalSocketAddress());
    try {
      proxy.execute(() -> read(client, towardsTarget));
      proxy.execute(() -> write(towardsTarget, socket));
      proxy.execute(() -> read(socket, towardsClient));
    } catch (RejectedExecutionException closing) {
      close();
      return;
    }
    write(towardsClient, client);
  }

  private void read(Socket from, ProxyPipe pipe) {
    byte[] buffer = new byte[CHUNK_BYTES];
    try {
      InputStream in = from.getInputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        pipe.offer(Arrays.copyOf(buffer, n));
      }
      pipe.offer(null);
    } catch (IOException e) {
      if (!finished.get()) {  // the peer reset: pass the reset on
        LOG.debug("fault proxy {}: read from {} failed, resetting the connection", proxy.name(), from, e);
        abort();
      }
    }
  }

  private void write(ProxyPipe pipe, Socket to) {
    try {
      OutputStream out = to.getOutputStream();
      for (ProxyPipe.Chunk chunk; (chunk = pipe.take()) != null; ) {
        if (chunk.bytes() == null) {  // end of stream, after everything sent before it
          to.shutdownOutput();
          if (openDirections.decrementAndGet() == 0) {
            close();
          }
          return;
        }
        out.write(chunk.bytes());
        out.flush();
      }
    } catch (IOException e) {
      if (!finished.get()) {
        LOG.debug("fault proxy {}: write to {} failed, resetting the connection", proxy.name(), to, e);
        abort();
      }
    } catch (InterruptedException closing) {
      Thread.currentThread().interrupt();
    }
  }

  void wake() {
    towardsTarget.wake();
    towardsClient.wake();
  }

  void close() {
    finish(false);
  }

  /** Closes both sockets with SO_LINGER 0, so each peer gets a TCP RST. */
  void abort() {
    finish(true);
  }

  private void finish(boolean reset) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    proxy.forget(this);
    towardsTarget.close();
    towardsClient.close();
    for (Socket socket : new Socket[] {client, target}) {
      if (socket != null) {
        try {
          socket.setSoLinger(reset, 0);
        } catch (IOException alreadyClosed) {
          // closing is all that is left
        }
        FaultProxy.closeQuietly(socket);
      }
    }
    LOG.debug("fault proxy {}: connection from {} {}", proxy.name(), client.getRemoteSocketAddress(), reset ? "reset" : "closed");
  }
}
