package io.seckill.stock.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.redis.RedisKeys;
import io.seckill.stock.StockHarness;
import io.seckill.stock.StockService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** Every gateway listens on the restock channel; stock-service must speak whenever stock comes back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestockBroadcastTest {
  private StockHarness harness;
  private StockService service;
  private final Queue<String> heard = new ConcurrentLinkedQueue<>();
  private final JedisPubSub listener = new JedisPubSub() {
    @Override
    public void onMessage(String channel, String message) {
      heard.add(message);
    }
  };
  private Thread subscriber;

  @BeforeAll
  void start() {
    harness = new StockHarness();
    service = harness.start(Map.of());
    subscriber = new Thread(() -> {
      try (Jedis jedis = new Jedis(URI.create(harness.infra.redisUrl()))) {
        jedis.subscribe(listener, RedisKeys.RESTOCK_CHANNEL);
      }
    }, "restock-listener");
    subscriber.start();
    await().atMost(Duration.ofSeconds(10)).until(listener::isSubscribed);
  }

  @AfterAll
  void stop() throws InterruptedException {
    listener.unsubscribe();
    subscriber.join(5_000);
    harness.close();
  }

  @Test
  void aWarmupAndAnAppliedStockReturnEachBroadcastTheSaleIdOnTheRestockChannel() {
    long saleId = harness.openSale(service, 5, 1000, 1, 600);
    String sale = Long.toString(saleId);
    await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(sale));
    heard.clear();
    String orderId = harness.order(saleId, "hal", 1, 0);

    assertThat(harness.cancel(service, orderId, "hal").statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(sale));
    assertThat(harness.redisStock(saleId)).isEqualTo(5);
    harness.assertInvariants(saleId, List.of(orderId));
  }
}
