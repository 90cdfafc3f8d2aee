package io.seckill.common.redis;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.impl.PooledRedisConnection;
import io.vertx.redis.client.impl.RedisClusterConnection;
import io.vertx.redis.client.impl.RedisStandaloneConnection;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a pipelined Redis connection send the commands of one event-loop turn in one write. The Redis client flushes
 * its socket after every command it is given outside a read of that socket — for the gateway, every purchase: one
 * {@code write} syscall per command here, and a read and a write per command in Redis. Netty's
 * {@link FlushConsolidationHandler} at the head of the socket's pipeline turns those flushes into one, run once the
 * event loop has handled the I/O of this turn (every purchase it read), or after {@link #FLUSHES_PER_WRITE} flushes.
 * Commands and replies are unchanged, in the same order; only when bytes leave changes, within the same turn.
 *
 * <p>The client exposes neither its sockets nor a pipeline hook, so the socket is reached through the connection's
 * private field, by name. Fail-open: if that fails (a client upgrade renamed it), the connection is used as it is,
 * flushing per command, and this is logged once; {@code PipelinedRedisTest} checks that every connection is fitted.
 */
final class FlushCoalescing {
  private static final Logger LOG = LoggerFactory.getLogger(FlushCoalescing.class);
  static final String HANDLER = "seckill-flush-coalescing";
  /** Flushes at once after this many in one turn, so a turn's buffered commands stay small (~50 KB). */
  static final int FLUSHES_PER_WRITE = 256;
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private FlushCoalescing() {
  }

  /** Fits every socket of the connection (one for a standalone Redis, one per node for a cluster); never throws. */
  static void fit(RedisConnection connection) {
    try {
      for (ChannelPipeline pipeline : pipelines(connection)) {
        if (pipeline.get(HANDLER) == null) {
          pipeline.addFirst(HANDLER, new FlushConsolidationHandler(FLUSHES_PER_WRITE, true));
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("Redis writes are flushed per command: the client's socket could not be reached ({})", e.toString());
      }
    }
  }

  /**
   * Bytes of commands written to the connection's sockets and not yet handed to the kernel (for tests: within an
   * event-loop turn they are the turn's commands waiting for its one write); -1 when the sockets cannot be reached
   * or one is not fitted.
   */
  static long unflushedBytes(RedisConnection connection) {
    try {
      long bytes = 0;
      for (ChannelPipeline pipeline : pipelines(connection)) {
        if (pipeline.get(HANDLER) == null) {
          return -1;
        }
        var buffer = pipeline.channel().unsafe().outboundBuffer();
        bytes += buffer == null ? 0 : buffer.totalPendingWriteBytes();
      }
      return bytes;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }

  private static List<ChannelPipeline> pipelines(RedisConnection connection) throws ReflectiveOperationException {
    return sockets(connection).stream().map(socket -> socket.channelHandlerContext().pipeline()).toList();
  }

  private static List<NetSocketInternal> sockets(RedisConnection connection) throws ReflectiveOperationException {
    RedisConnection actual = connection instanceof PooledRedisConnection pooled ? pooled.actual() : connection;
    List<NetSocketInternal> sockets = new ArrayList<>();
    if (actual instanceof RedisStandaloneConnection standalone) {
      sockets.add((NetSocketInternal) field(RedisStandaloneConnection.class, "netSocket").get(standalone));
    } else if (actual instanceof RedisClusterConnection cluster) {
      Map<?, ?> nodes = (Map<?, ?>) field(RedisClusterConnection.class, "connections").get(cluster);
      for (Object node : nodes.values()) {
        sockets.addAll(sockets((RedisConnection) node));
      }
    } else {
      throw new IllegalStateException("unknown Redis connection " + actual.getClass().getName());
    }
    return sockets;
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field field = owner.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }
}
