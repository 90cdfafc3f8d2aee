package io.seckill.consumer;

import io.seckill.common.config.RedisSettings;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.OrderMessageCodec;
import io.seckill.common.order.OrderIds;
import io.seckill.common.warmup.WarmUpSales;
import io.seckill.common.warmup.JitSettling;
import io.seckill.common.warmup.WarmUpKeys;
import io.seckill.common.warmup.WarmUpSettings;
import io.seckill.consumer.batch.OrderBatchWriter;
import io.seckill.consumer.batch.OrderOutcome;
import io.seckill.consumer.batch.RedisOrderStatusWriter;
import io.seckill.consumer.poll.PolledBatch;
import io.vertx.redis.client.RedisAPI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's start-up warm-up, run on a thread of its own before the poll loops join the consumer group (so it
 * can never commit an offset there): synthetic batches of a warm-up sale go through the poll loop's hot path —
 * the Kafka fetch ({@link WarmUpKafka}: each batch is produced to the warm-up topic and read back outside any group),
 * decode ({@link PolledBatch}), {@link OrderBatchWriter}'s statements in a transaction that is always rolled back
 * ({@link OrderBatchWriter#rehearse}), and the Redis status scripts on the warm-up sale's keys, which are deleted at
 * the end. Batch sizes cycle through 1, 10, 50 and 200 (capped at max.poll.records), as a sale's batches vary.
 *
 * <p>Fail-open: a failure (PostgreSQL or Redis down at start) is logged and the loops start cold; past
 * SECKILL_WARMUP_MAX_MS no new batch begins. When the warm-up topic cannot be written or read, the batches are
 * built in memory instead (logged), and everything but the fetch is still rehearsed.
 */
final class ConsumerWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerWarmUp.class);
  private static final int[] BATCH_SIZES = {1, 10, 50, 200};
  private static final Duration REDIS_WAIT = Duration.ofSeconds(2);
  /**
   * Synthetic orders per SECKILL_WARMUP_REQUESTS. The consumer's per-order code (decoding, Jackson's parser set-up,
   * the statement parameters) runs once per order, and with as many orders as the gateway sends requests it stayed
   * under C2's thresholds and was compiled at a sale's opening; with three times as many the paired cold opens
   * of docs/performance.md admitted more in three pairs of three. An order costs the consumer a fraction of
   * what a request costs the gateway, so its warm-up still ends before the gateway's.
   */
  static final int ORDERS_PER_REQUEST = 3;

  private final WarmUpSettings settings;
  private final int maxBatch;
  private final OrderBatchWriter writer;
  private final RedisOrderStatusWriter redisStatus;
  private final RedisAPI redis;
  private final RedisSettings.Mode redisMode;
  private final long sale = WarmUpSales.pick();
  private final String run = Long.toString(System.nanoTime() & 0xffffff, 36);
  private final AtomicInteger rehearsed = new AtomicInteger();
  private final AtomicInteger readBack = new AtomicInteger();
  private final KafkaOpener kafka;
  /** The Kafka leg while it works; null without one (off, unusable, or failed once: the rest is built in memory). */
  private WarmUpKafka fetch;
  private final List<String> orderIds = new ArrayList<>();

  /** Opens the Kafka leg; it may throw, and the warm-up then builds its batches in memory. */
  interface KafkaOpener {
    WarmUpKafka open() throws Exception;
  }

  /** @param kafka null: no Kafka leg, the batches are built in memory */
  ConsumerWarmUp(WarmUpSettings settings, int maxBatch, OrderBatchWriter writer, RedisOrderStatusWriter redisStatus,
                 RedisAPI redis, RedisSettings.Mode redisMode, KafkaOpener kafka) {
    this.kafka = kafka;
    this.settings = settings.times(ORDERS_PER_REQUEST);
    this.maxBatch = maxBatch;
    this.writer = writer;
    this.redisStatus = redisStatus;
    this.redis = redis;
    this.redisMode = redisMode;
  }

  long saleId() {
    return sale;
  }

  /** Orders of its own the warm-up read back from the warm-up topic (0 when it could not use Kafka). */
  int readBack() {
    return readBack.get();
  }

  /** What readiness says while it runs. */
  String progress() {
    return settings.progress(rehearsed.get(), "orders");
  }

  /** Blocking; never throws. Stops early when {@code stopping} says so or the time bound passed. */
  void run(BooleanSupplier stopping) {
    long started = System.nanoTime();
    long deadline = started + TimeUnit.MILLISECONDS.toNanos(settings.maxMs());
    LOG.info("warm-up: {} synthetic orders (at most {} ms) on warm-up sale {}", settings.requests(), settings.maxMs(), sale);
    int batches = 0;
    fetch = openKafka();
    try {
      JitSettling jit = JitSettling.ofThisJvm();
      while (settings.goOn(rehearsed.get(), jit) && !stopping.getAsBoolean() && System.nanoTime() - deadline < 0) {
        int left = settings.requests() - rehearsed.get();
        int size = Math.min(Math.min(BATCH_SIZES[batches % BATCH_SIZES.length], maxBatch), left > 0 ? left : maxBatch);
        PolledBatch batch = PolledBatch.decode(records(orders(size, rehearsed.get()), rehearsed.get()));
        // Every eighth batch takes the fallback path (sale rows locked), which a real sale hits after a failover.
        List<OrderOutcome> outcomes = writer.rehearse(sale, batch.distinctOrders(), batches % 8 == 7);
        batch.deadLetters(outcomes);
        batch.nextOffsets();
        redisStatus.write(outcomes, REDIS_WAIT);
        rehearsed.addAndGet(size);
        batches++;
      }
    } catch (Exception e) {
      LOG.warn("warm-up failed after {} orders, the consumer starts cold: {}", rehearsed.get(), e.toString());
    } finally {
      if (fetch != null) {
        fetch.close();
        fetch = null;
      }
      cleanUp();
    }
    LOG.info("warm-up done in {} ms: {} orders in {} batches ({} read back from Kafka), rolled back",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), rehearsed.get(), batches, readBack.get());
  }

  private WarmUpKafka openKafka() {
    if (kafka == null) {
      return null;
    }
    try {
      return kafka.open();
    } catch (Exception e) {
      LOG.warn("warm-up: the warm-up topic cannot be used ({}); batches are built in memory, the fetch path is not "
          + "rehearsed", e.toString());
      return null;
    }
  }

  /** Synthetic orders as the gateway would produce them, each new (a fresh shopper). */
  private List<OrderMessage> orders(int size, int first) {
    List<OrderMessage> orders = new ArrayList<>(size);
    long now = System.currentTimeMillis();
    for (int i = 0; i < size; i++) {
      String orderId = OrderIds.next(sale);
      orderIds.add(orderId);
      orders.add(new OrderMessage(orderId, sale, WarmUpSales.USER_PREFIX + run + "-" + (first + i), 1, now,
          "warm-up-" + (first + i)));
    }
    return orders;
  }

  private static byte[] key(OrderMessage order) {
    return order.orderId().getBytes(StandardCharsets.UTF_8);
  }

  /** The orders as the poll loop would get them: read back from the warm-up topic, else built in memory. */
  private ConsumerRecords<byte[], byte[]> records(List<OrderMessage> orders, int first) {
    if (fetch != null) {
      try {
        ConsumerRecords<byte[], byte[]> records =
            fetch.roundTrip(orders.stream().map(o -> Map.entry(key(o), OrderMessageCodec.encode(o))).toList());
        readBack.addAndGet(records.count());
        return records;
      } catch (Exception e) {
        LOG.warn("warm-up: Kafka round trip on {} failed, the rest of the batches are built in memory: {}",
            fetch.topic(), e.toString());
        fetch.close();
        fetch = null;
      }
    }
    return inMemory(orders, first);
  }

  /** The same orders as records built in memory, when Kafka cannot be used. */
  private static ConsumerRecords<byte[], byte[]> inMemory(List<OrderMessage> orders, int first) {
    TopicPartition partition = new TopicPartition("seckill.warm-up", 0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(orders.size());
    for (int i = 0; i < orders.size(); i++) {
      records.add(new ConsumerRecord<>(partition.topic(), 0, first + i, key(orders.get(i)),
          OrderMessageCodec.encode(orders.get(i))));
    }
    return new ConsumerRecords<>(Map.of(partition, records), Map.of());
  }

  /** Deletes the warm-up sale's Redis keys: the status keys persisted.lua wrote, and any other key of its tag. */
  private void cleanUp() {
    try {
      new WarmUpKeys(redis, redisMode, 5_000).delete(sale, orderIds).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("warm-up: Redis keys of warm-up sale {} may be left over: {}", sale, e.toString());
    }
  }
}
