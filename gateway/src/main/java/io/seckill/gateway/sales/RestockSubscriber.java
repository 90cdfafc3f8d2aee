package io.seckill.gateway.sales;

import io.seckill.common.config.RedisSettings;
import io.seckill.common.redis.RedisClients;
import io.seckill.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@link RedisKeys#RESTOCK_CHANNEL} over its own, non-pooled connection (a subscribed
 * connection can do nothing else) and clears the sold-out flag of the sale named in each message.
 * When the connection drops it reconnects and resubscribes; as broadcasts may have been missed
 * meanwhile, every flag is cleared then. Fail-open: without the subscription the flags still expire.
 *
 * <p>In a Redis Cluster a PUBLISH on any node reaches the subscribers of every node, so the
 * subscription is one plain connection to one node of the comma-separated URL list; each reconnect
 * moves on to the next node, so the death of the subscribed node only costs a resubscribe.
 */
public final class RestockSubscriber {
  private static final Logger LOG = LoggerFactory.getLogger(RestockSubscriber.class);
  private static final long RECONNECT_DELAY_MS = 500;

  private final Vertx vertx;
  private final List<Redis> nodes;
  private volatile int current;
  private final LongConsumer onRestock;
  private final Runnable onResubscribe;
  private volatile RedisConnection connection;
  private volatile boolean stopped;

  public RestockSubscriber(Vertx vertx, RedisSettings redis, LongConsumer onRestock, Runnable onResubscribe) {
    this.vertx = vertx;
    this.nodes = redis.urls().stream().map(url -> RedisClients.node(vertx, redis, url)).toList();
    this.onRestock = onRestock;
    this.onResubscribe = onResubscribe;
  }

  /** Subscribes; a failure at start is logged and retried, never fatal (the flags' expiry is the safety net). */
  public Future<Void> start() {
    return subscribe().recover(e -> {
      scheduleReconnect();
      return Future.succeededFuture();
    });
  }

  private Future<Void> subscribe() {
    return nodes.get(current).connect().compose(conn -> {
      conn.handler(this::onMessage);
      conn.exceptionHandler(e -> LOG.warn("restock subscription error: {}", e.toString()));
      conn.endHandler(v -> {
        connection = null;
        if (!stopped) {
          LOG.warn("restock subscription lost, reconnecting");
          onResubscribe.run();
          scheduleReconnect();
        }
      });
      connection = conn;
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(RedisKeys.RESTOCK_CHANNEL)).<Void>mapEmpty()
          .onSuccess(v -> LOG.info("subscribed to {}", RedisKeys.RESTOCK_CHANNEL))
          .onFailure(e -> conn.close());
    });
  }

  private void scheduleReconnect() {
    if (stopped) {
      return;
    }
    current = (current + 1) % nodes.size();
    vertx.setTimer(RECONNECT_DELAY_MS, t -> subscribe().onSuccess(v -> onResubscribe.run()).onFailure(e -> {
      LOG.warn("restock resubscribe failed: {}", e.toString());
      scheduleReconnect();
    }));
  }

  private void onMessage(Response message) {
    // RESP3 push or RESP2 array: ["message", channel, saleId]
    if (message == null || (message.type() != ResponseType.PUSH && message.type() != ResponseType.MULTI)
        || message.size() != 3 || !"message".equals(String.valueOf(message.get(0)))) {
      return;
    }
    try {
      onRestock.accept(Long.parseLong(message.get(2).toString()));
    } catch (NumberFormatException e) {
      LOG.warn("ignoring restock message that is not a sale id");
    }
  }

  public Future<Void> stop() {
    stopped = true;
    RedisConnection conn = connection;
    Future<Void> closing = conn == null ? Future.succeededFuture() : conn.close().recover(e -> Future.succeededFuture());
    return closing.eventually(() -> Future.join(nodes.stream().map(Redis::close).toList()).mapEmpty());
  }
}
