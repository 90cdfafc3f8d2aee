package io.seckill.system;

import io.seckill.common.RunningService;
import io.seckill.common.auth.Jwt;
import io.seckill.common.config.Env;
import io.seckill.common.db.PgUrls;
import io.seckill.common.db.SchemaMigrator;
import io.seckill.infra.LocalInfra;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The three services started in-process against real Redis, PostgreSQL and Kafka, each on its own
 * port, with a fresh database and topic — the fixture of the end-to-end tests.
 */
final class RunningSystem implements AutoCloseable {
  static final String JWT_SECRET = "system-jwt-secret-0123456789abcdefgh";
  static final String ADMIN_TOKEN = "system-admin-token-0123456789abcdefg";
  static final String PAYMENT_SECRET = "system-payment-secret-0123456789abcd";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final LocalInfra infra;
  final String pgUrl;
  final RunningService stock;
  final RunningService consumer;
  final RunningService gateway;
  final Jwt jwt = new Jwt(JWT_SECRET);

  private RunningSystem(LocalInfra infra, String pgUrl, RunningService stock, RunningService consumer, RunningService gateway) {
    this.infra = infra;
    this.pgUrl = pgUrl;
    this.stock = stock;
    this.consumer = consumer;
    this.gateway = gateway;
  }

  static RunningSystem start(String name) throws Exception {
    LocalInfra infra = LocalInfra.shared();
    String pgUrl = infra.createDatabase(name);
    SchemaMigrator.migrate(pgUrl);
    // Sale ids assigned by this database must not collide with other tests' sales in the shared Redis.
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(pgUrl))) {
      c.createStatement().execute("ALTER TABLE sale ALTER COLUMN sale_id RESTART WITH " + LocalInfra.uniqueSaleIdBase());
    }
    String topic = infra.createTopic(LocalInfra.uniqueName(name + "-orders"), 2);
    Map<String, String> env = new HashMap<>();
    env.put("SECKILL_REDIS_URL", infra.redisUrl());
    env.put("SECKILL_PG_URL", pgUrl);
    env.put("SECKILL_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
    env.put("SECKILL_ORDERS_TOPIC", topic);
    env.put("SECKILL_ORDERS_DLQ_TOPIC", topic + ".dlq");
    env.put("SECKILL_CONSUMER_GROUP", LocalInfra.uniqueName(name + "-group"));
    env.put("SECKILL_HTTP_PORT", "0");
    env.put("SECKILL_JWT_SECRET", JWT_SECRET);
    env.put("SECKILL_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("SECKILL_PAYMENT_SECRET", PAYMENT_SECRET);
    RunningService stock = io.seckill.stock.Main.start(Env.of(env)).await();
    RunningService consumer = io.seckill.consumer.Main.start(Env.of(env)).await();
    env.put("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:" + stock.httpPort());
    RunningService gateway = io.seckill.gateway.Main.start(Env.of(env)).await();
    return new RunningSystem(infra, pgUrl, stock, consumer, gateway);
  }

  /** Creates an open sale through the admin API and returns its id. */
  long createOpenSale(int stockUnits) throws Exception {
    Instant now = Instant.now();
    JsonObject sale = new JsonObject()
        .put("itemName", "System phone").put("priceCents", 19900).put("stock", stockUnits)
        .put("startsAt", now.minusSeconds(5).toString()).put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", 1).put("paymentTimeoutSeconds", 300).put("requirePurchaseToken", false);
    HttpResponse<String> created = send(HttpRequest.newBuilder(uri(stock, "/admin/v1/sales"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(sale.encode())));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("sale not created: " + created.statusCode() + " " + created.body());
    }
    return new JsonObject(created.body()).getLong("saleId");
  }

  HttpResponse<String> buy(long saleId, String user) throws Exception {
    return send(HttpRequest.newBuilder(uri(gateway, "/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", "Bearer " + jwt.mint(user, 600)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static URI uri(RunningService service, String path) {
    return URI.create("http://127.0.0.1:" + service.httpPort() + path);
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
