package io.seckill.infra;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** One direction's queue; its writer takes a chunk only when the mode in force makes it due. */
final class ProxyPipe {
  private final boolean towardsTarget;
  private final Supplier<ProxyMode> mode;
  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
  private boolean closed;

  /** @param mode the mode in force, read at every decision */
  ProxyPipe(boolean towardsTarget, Supplier<ProxyMode> mode) {
    this.towardsTarget = towardsTarget;
    this.mode = mode;
  }

  synchronized void offer(byte[] bytes) {
    chunks.add(new Chunk(bytes, System.nanoTime()));
    notifyAll();
  }

  synchronized void wake() {
    notifyAll();
  }

  synchronized void close() {
    closed = true;
    chunks.clear();
    notifyAll();
  }

  /** The head chunk once it is due, or null once the pipe is closed. */
  synchronized Chunk take() throws InterruptedException {
    while (!closed) {
      Chunk head = chunks.peek();
      long hold = head == null ? ProxyMode.NEVER : mode.get().holdNanos(towardsTarget);
      if (hold == ProxyMode.NEVER) {
        wait();
        continue;
      }
      long dueIn = head.arrivedNanos() + hold - System.nanoTime();
      if (dueIn <= 0) {
        return chunks.poll();
      }
      TimeUnit.NANOSECONDS.timedWait(this, dueIn);
    }
    return null;
  }

  /** Bytes as read, or end of stream when {@code bytes} is null. */
  record Chunk(byte[] bytes, long arrivedNanos) {
  }
}
