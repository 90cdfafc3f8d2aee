package io.seckill.contract;

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
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * The three services started in-process against real Redis, PostgreSQL and Kafka, with a fresh
 * database and topic: one per test class. A copy of system-tests' RunningSystem (test classes are not
 * shared between modules), plus environment overrides (rate limits, sweep interval) and the signed
 * payment callback.
 */
final class ContractSystem implements AutoCloseable {
  static final String JWT_SECRET = "contract-jwt-secret-0123456789abcdefgh";
  static final String ADMIN_TOKEN = "contract-admin-token-0123456789abcdefg";
  static final String PAYMENT_SECRET = "contract-payment-secret-0123456789abcd";
  static final long PRICE_CENTS = 19_900;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final LocalInfra infra;
  final String pgUrl;
  final String redisUrl;
  final RunningService stock;
  final RunningService consumer;
  final RunningService gateway;
  final Jwt jwt = new Jwt(JWT_SECRET);

  private ContractSystem(LocalInfra infra, String pgUrl, String redisUrl, RunningService stock, RunningService consumer,
                         RunningService gateway) {
    this.infra = infra;
    this.pgUrl = pgUrl;
    this.redisUrl = redisUrl;
    this.stock = stock;
    this.consumer = consumer;
    this.gateway = gateway;
  }

  static ContractSystem start(String name, Map<String, String> overrides) throws Exception {
    LocalInfra infra = LocalInfra.shared();
    String pgUrl = infra.createDatabase(name);
    SchemaMigrator.migrate(pgUrl);
    // Sale ids assigned by this database must not collide with other tests' sales in the shared Redis.
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(pgUrl))) {
      c.createStatement().execute("ALTER TABLE sale ALTER COLUMN sale_id RESTART WITH " + LocalInfra.uniqueSaleIdBase());
    }
    String topic = infra.createTopic(LocalInfra.uniqueName(name + "-orders"), 2);
    Map<String, String> env = new HashMap<>();
    String redisUrl = ownLogicalDatabase(infra.redisUrl());
    env.put("SECKILL_REDIS_URL", redisUrl);
    env.put("SECKILL_PG_URL", pgUrl);
    env.put("SECKILL_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
    env.put("SECKILL_ORDERS_TOPIC", topic);
    env.put("SECKILL_ORDERS_DLQ_TOPIC", topic + ".dlq");
    env.put("SECKILL_CONSUMER_GROUP", LocalInfra.uniqueName(name + "-group"));
    env.put("SECKILL_HTTP_PORT", "0");
    env.put("SECKILL_EVENT_LOOPS", "2");
    env.put("SECKILL_JWT_SECRET", JWT_SECRET);
    env.put("SECKILL_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("SECKILL_PAYMENT_SECRET", PAYMENT_SECRET);
    env.putAll(overrides);
    RunningService stock = io.seckill.stock.Main.start(Env.of(env)).await();
    RunningService consumer = io.seckill.consumer.Main.start(Env.of(env)).await();
    env.put("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:" + stock.httpPort());
    RunningService gateway = io.seckill.gateway.Main.start(Env.of(env)).await();
    return new ContractSystem(infra, pgUrl, redisUrl, stock, consumer, gateway);
  }

  /**
   * The same Redis server, logical database 7 (unless the URL names one): the shared database 0 holds
   * every other suite's keys, and a SCAN for one sale's keys walks the whole keyspace of its database.
   */
  static String ownLogicalDatabase(String url) {
    String path = URI.create(url).getPath();
    if (path != null && !path.isEmpty() && !"/".equals(path)) {
      return url;
    }
    return (url.endsWith("/") ? url : url + "/") + "7";
  }

  /** Creates a sale through the admin API, open now unless {@code opensInSeconds} > 0, and returns its id. */
  long createSale(int stockUnits, int perUserLimit, int paymentTimeoutS, boolean requireToken, long opensInSeconds)
      throws Exception {
    Instant now = Instant.now();
    JsonObject sale = new JsonObject()
        .put("itemName", "Contract phone").put("priceCents", PRICE_CENTS).put("stock", stockUnits)
        .put("startsAt", now.plusSeconds(opensInSeconds > 0 ? opensInSeconds : -5).toString())
        .put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", perUserLimit).put("paymentTimeoutSeconds", paymentTimeoutS)
        .put("requirePurchaseToken", requireToken);
    Reply created = send(HttpRequest.newBuilder(stockUri("/admin/v1/sales"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(sale.encode())));
    if (created.status() != 201) {
      throw new IllegalStateException("sale not created: " + created.status() + " " + created.text());
    }
    return created.json().getLong("saleId");
  }

  Reply buy(long saleId, String user, int quantity) throws Exception {
    return send(HttpRequest.newBuilder(gatewayUri("/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", "Bearer " + jwt.mint(user, 600)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":" + quantity + "}")));
  }

  Reply order(String orderId, String user) throws Exception {
    return send(HttpRequest.newBuilder(gatewayUri("/api/v1/orders/" + orderId))
        .header("Authorization", "Bearer " + jwt.mint(user, 600)).GET());
  }

  Reply cancel(String orderId, String user) throws Exception {
    return send(HttpRequest.newBuilder(gatewayUri("/api/v1/orders/" + orderId + "/cancel"))
        .header("Authorization", "Bearer " + jwt.mint(user, 600)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** The payment provider's callback, signed with the shared secret over the exact bytes sent. */
  Reply pay(String paymentId, String orderId, long amountCents) throws Exception {
    String body = new JsonObject().put("paymentId", paymentId).put("orderId", orderId).put("amountCents", amountCents)
        .put("outcome", "SUCCEEDED").encode();
    return send(HttpRequest.newBuilder(stockUri("/api/v1/payments/callback"))
        .header("Content-Type", "application/json").header("X-Signature", sign(body))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static String sign(String body) {
    return Signatures.hmacHex(PAYMENT_SECRET, body.getBytes(StandardCharsets.UTF_8));
  }

  URI gatewayUri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.httpPort() + path);
  }

  URI stockUri(String path) {
    return URI.create("http://127.0.0.1:" + stock.httpPort() + path);
  }

  static Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<byte[]> response = HTTP.send(request.timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(response.statusCode(), response.headers(), response.body());
  }

  Connection db() throws SQLException {
    return DriverManager.getConnection(PgUrls.toJdbc(pgUrl));
  }

  Jedis redis() {
    return new Jedis(URI.create(redisUrl));
  }

  @Override
  public void close() {
    for (RunningService service : new RunningService[] {gateway, consumer, stock}) {
      if (service != null) {
        service.stop().await();
      }
    }
  }
}
