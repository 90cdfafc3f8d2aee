package io.seckill.gateway;

import io.seckill.common.RunningService;
import io.seckill.common.auth.Jwt;
import io.seckill.common.config.Env;
import io.seckill.common.kafka.InvalidOrderMessage;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.kafka.OrderMessageCodec;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.stack.LocalHttp;
import io.seckill.infra.stack.SeededSale;
import io.seckill.infra.stack.ServiceEnv;
import io.seckill.infra.stack.TestDatabase;
import io.seckill.infra.stack.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import redis.clients.jedis.Jedis;

/** A gateway started in-process against the shared real Redis, PostgreSQL and Kafka, plus helpers to call it. */
final class GatewayHarness implements AutoCloseable {
  static final String SECRET = TestSecrets.JWT_SECRET;
  static final String CANCEL_TOKEN = TestSecrets.CANCEL_TOKEN;
  static final Jwt JWT = TestSecrets.JWT;

  final LocalInfra infra = LocalInfra.shared();
  final String pgUrl;
  final String topic;
  final RunningService service;
  final HttpClient http = LocalHttp.CLIENT;

  GatewayHarness(Map<String, String> overrides) {
    pgUrl = infra.createSeckillDatabase("gateway_test");
    topic = infra.createTopic(LocalInfra.uniqueName("orders"), 2);
    Env env = ServiceEnv.forInfra(infra).database(pgUrl).orders(topic).gateway()
        .with("SECKILL_RATE_USER_PER_S", "1000").with("SECKILL_RATE_USER_BURST", "1000").withoutIpRateLimit()
        .with(overrides).toEnv();
    service = await(Main.start(env));
  }

  GatewayMetrics metrics() {
    return ((GatewayService) service).metrics();
  }

  String url(String path) {
    return "http://127.0.0.1:" + service.httpPort() + path;
  }

  /** A GET on the management port (/metrics, /health/*). */
  HttpResponse<String> management(String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort() + path)).GET()
        .timeout(Duration.ofSeconds(20)).build());
  }

  static String token(String user) {
    return TestSecrets.shopperToken(user);
  }

  HttpResponse<String> get(String path, String user) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).GET().timeout(Duration.ofSeconds(20));
    if (user != null) {
      b.header("Authorization", "Bearer " + token(user));
    }
    return send(b.build());
  }

  HttpResponse<String> postJson(String path, String user, String body, String... headers) {
    return send(postRequest(path, user, body, headers));
  }

  CompletableFuture<HttpResponse<String>> postJsonAsync(String path, String user, String body, String... headers) {
    return http.sendAsync(postRequest(path, user, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest postRequest(String path, String user, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (user != null) {
      b.header("Authorization", "Bearer " + token(user));
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  HttpResponse<String> send(HttpRequest request) {
    return LocalHttp.send(request);
  }

  /** Seeds a sale as stock-service's warm-up would: a {@code sale} row and the Redis meta hash and stock. */
  long seedSale(int stock, int perUserLimit, boolean requireToken, long startsAtMs, long endsAtMs) {
    return SeededSale.of(LocalInfra.uniqueSaleIdBase(), stock).perUserLimit(perUserLimit).requireToken(requireToken)
        .window(startsAtMs, endsAtMs).insertInto(TestDatabase.at(pgUrl)).warmInto(infra.redisUrl()).saleId();
  }

  /** A sale seeded as {@link #seedSale} does, asking a proof-of-work of {@code difficulty} bits (DB and Redis meta). */
  long seedChallengeSale(int stock, int difficulty, long startsAtMs, long endsAtMs) {
    long saleId = seedSale(stock, 1, false, startsAtMs, endsAtMs);
    execute("UPDATE sale SET challenge_difficulty = ? WHERE sale_id = ?", difficulty, saleId);
    try (Jedis redis = jedis()) {
      redis.hset(Bucket.root(saleId).meta(), "challengeDifficulty", Integer.toString(difficulty));
    }
    return saleId;
  }

  long seedOpenSale(int stock, int perUserLimit) {
    long now = System.currentTimeMillis();
    return seedSale(stock, perUserLimit, false, now - 60_000, now + 3_600_000);
  }

  Jedis jedis() {
    return new Jedis(URI.create(infra.redisUrl()));
  }

  long redisStock(long saleId) {
    try (Jedis redis = jedis()) {
      return Long.parseLong(redis.get(Bucket.root(saleId).stock()));
    }
  }

  void execute(String sql, Object... args) {
    TestDatabase.at(pgUrl).execute(sql, args);
  }

  /** Every order message on the harness topic, read from the beginning until {@code expected} arrived or 20 s passed. */
  List<OrderMessage> orderMessages(int expected) {
    return orderMessages(messages -> messages.size() >= expected);
  }

  /** Order messages on the harness topic, read from the beginning until {@code enough} holds or 20 s passed. */
  List<OrderMessage> orderMessages(java.util.function.Predicate<List<OrderMessage>> enough) {
    List<OrderMessage> messages = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, LocalInfra.uniqueName("gateway-test"),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!enough.test(messages) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            messages.add(OrderMessageCodec.decode(record.value()));
          } catch (InvalidOrderMessage e) {
            throw new AssertionError("the gateway wrote an invalid order message: " + e.getMessage());
          }
        }
      }
    }
    return messages;
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(service.stop());
  }
}
