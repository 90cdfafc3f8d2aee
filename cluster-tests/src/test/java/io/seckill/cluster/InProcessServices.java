package io.seckill.cluster;

import io.seckill.common.RunningService;
import io.seckill.common.auth.Jwt;
import io.seckill.common.auth.Signatures;
import io.seckill.common.config.Env;
import io.seckill.common.db.PgUrls;
import io.seckill.common.db.SchemaMigrator;
import io.seckill.infra.LocalInfra;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * stock-service, any number of gateways and order consumers, all in this JVM, against one Redis
 * (standalone or cluster, as the given variables say), the shared PostgreSQL server (a fresh
 * database) and the shared Kafka broker (a fresh topic). The RunningSystem pattern of system-tests,
 * with instances that can be added and stopped while a sale runs.
 */
final class InProcessServices implements AutoCloseable {
  static final String JWT_SECRET = "cluster-jwt-secret-0123456789abcdefgh";
  static final String ADMIN_TOKEN = "cluster-admin-token-0123456789abcdefg";
  static final String PAYMENT_SECRET = "cluster-payment-secret-0123456789abcd";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final LocalInfra infra = LocalInfra.shared();
  final String pgUrl;
  final String topic;
  final Jwt jwt = new Jwt(JWT_SECRET);
  final RunningService stock;
  final List<RunningService> gateways = new ArrayList<>();
  final List<RunningService> consumers = new ArrayList<>();
  private final Map<String, String> env = new HashMap<>();

  /**
   * @param redis       SECKILL_REDIS_URL and SECKILL_REDIS_MODE (and any other variable to set)
   * @param partitions  partitions of the orders topic
   */
  InProcessServices(String name, Map<String, String> redis, int partitions) throws Exception {
    pgUrl = infra.createDatabase(name);
    SchemaMigrator.migrate(pgUrl);
    // Sale ids assigned by this database must not collide with other tests' sales in a shared Redis.
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(pgUrl))) {
      c.createStatement().execute("ALTER TABLE sale ALTER COLUMN sale_id RESTART WITH " + LocalInfra.uniqueSaleIdBase());
    }
    topic = infra.createTopic(LocalInfra.uniqueName(name + "-orders"), partitions);
    env.putAll(redis);
    env.put("SECKILL_PG_URL", pgUrl);
    env.put("SECKILL_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
    env.put("SECKILL_ORDERS_TOPIC", topic);
    env.put("SECKILL_ORDERS_DLQ_TOPIC", topic + ".dlq");
    env.put("SECKILL_CONSUMER_GROUP", LocalInfra.uniqueName(name + "-group"));
    env.put("SECKILL_HTTP_PORT", "0");
    env.put("SECKILL_JWT_SECRET", JWT_SECRET);
    env.put("SECKILL_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("SECKILL_PAYMENT_SECRET", PAYMENT_SECRET);
    env.put("SECKILL_EVENT_LOOPS", "2");
    // The tests' shoppers all come from 127.0.0.1: the per-IP bucket must not be what refuses them.
    env.put("SECKILL_RATE_IP_PER_S", "1000000");
    env.put("SECKILL_RATE_IP_BURST", "1000000");
    // Only the tests' explicit reconcile call heals Redis, so what it reports is what the test did.
    env.putIfAbsent("SECKILL_RECONCILE_INTERVAL_MS", "3600000");
    stock = io.seckill.stock.Main.start(Env.of(env)).await();
    env.put("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:" + stock.httpPort());
  }

  RunningService startGateway() {
    RunningService gateway = io.seckill.gateway.Main.start(Env.of(env)).await();
    gateways.add(gateway);
    return gateway;
  }

  RunningService startConsumer() {
    RunningService consumer = io.seckill.consumer.Main.start(Env.of(env)).await();
    consumers.add(consumer);
    return consumer;
  }

  /** Graceful stop: the consumer commits what it persisted and leaves the group, which rebalances. */
  void stopConsumer(RunningService consumer) {
    consumer.stop().await();
    consumers.remove(consumer);
  }

  String consumerGroup() {
    return env.get("SECKILL_CONSUMER_GROUP");
  }

  RunningService gateway() {
    return gateways.get(0);
  }

  /** Creates an open sale through the admin API (warm-up into Redis included) and returns its id. */
  long createOpenSale(int units) throws Exception {
    Instant now = Instant.now();
    JsonObject sale = new JsonObject()
        .put("itemName", "Cluster phone").put("priceCents", 19900).put("stock", units)
        .put("startsAt", now.minusSeconds(5).toString()).put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", 1).put("paymentTimeoutSeconds", 300).put("requirePurchaseToken", false);
    HttpResponse<String> created = admin("/admin/v1/sales", sale.encode());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("sale not created: " + created.statusCode() + " " + created.body());
    }
    return new JsonObject(created.body()).getLong("saleId");
  }

  HttpResponse<String> buy(RunningService gateway, long saleId, String user) throws Exception {
    return send(HttpRequest.newBuilder(uri(gateway, "/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", "Bearer " + jwt.mint(user, 600)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")));
  }

  HttpResponse<String> buy(long saleId, String user) throws Exception {
    return buy(gateway(), saleId, user);
  }

  HttpResponse<String> order(String user, String orderId) throws Exception {
    return send(HttpRequest.newBuilder(uri(gateway(), "/api/v1/orders/" + orderId))
        .header("Authorization", "Bearer " + jwt.mint(user, 600)).GET());
  }

  HttpResponse<String> cancel(String user, String orderId) throws Exception {
    return send(HttpRequest.newBuilder(uri(gateway(), "/api/v1/orders/" + orderId + "/cancel"))
        .header("Authorization", "Bearer " + jwt.mint(user, 600)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> paymentCallback(String paymentId, String orderId, long amountCents) throws Exception {
    String body = new JsonObject().put("paymentId", paymentId).put("orderId", orderId).put("amountCents", amountCents)
        .put("outcome", "SUCCEEDED").encode();
    return send(HttpRequest.newBuilder(uri(stock, "/api/v1/payments/callback"))
        .header("Content-Type", "application/json")
        .header("X-Signature", Signatures.hmacHex(PAYMENT_SECRET, body.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> admin(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(uri(stock, path))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static URI uri(RunningService service, String path) {
    return URI.create("http://127.0.0.1:" + service.httpPort() + path);
  }

  @Override
  public void close() {
    List<RunningService> all = new ArrayList<>(gateways);
    all.addAll(consumers);
    all.add(stock);
    for (RunningService service : all) {
      try {
        service.stop().await();
      } catch (RuntimeException e) {
        // keep stopping the others
      }
    }
  }
}
