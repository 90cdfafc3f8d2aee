package io.seckill.stock;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.RunningService;
import io.seckill.common.config.Env;
import io.seckill.common.db.SchemaMigrator;
import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.stack.GatewayReservation;
import io.seckill.infra.stack.LocalHttp;
import io.seckill.infra.stack.ServiceEnv;
import io.seckill.infra.stack.TestDatabase;
import io.seckill.infra.stack.TestSecrets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One fresh database, topic and sale-id range per test class, stock-service instances started on them
 * with {@link Main#start}, and the consumer's part simulated: reserve.lua, then the orders row and the
 * sale decrement, then persisted.lua — exactly the steps the gateway and the consumer take.
 */
public final class StockHarness implements AutoCloseable {
  public static final String ADMIN_TOKEN = TestSecrets.ADMIN_TOKEN;
  public static final String CANCEL_TOKEN = TestSecrets.CANCEL_TOKEN;
  public static final String PAYMENT_SECRET = TestSecrets.PAYMENT_SECRET;
  public static final int TTL_S = 3600;

  public final LocalInfra infra = LocalInfra.shared();
  public final String pgUrl;
  private final TestDatabase db;
  public final String topic;
  public final long saleIdBase = LocalInfra.uniqueSaleIdBase();
  private final Vertx vertx = Vertx.vertx();
  private final Redis redisClient;
  public final RedisAPI redis;
  public final Jedis jedis;
  private final HttpClient http = LocalHttp.CLIENT;
  private final List<RunningService> services = new ArrayList<>();
  private long nextSale;

  public StockHarness() {
    pgUrl = infra.createDatabase("stock");
    db = TestDatabase.at(pgUrl);
    SchemaMigrator.migrate(pgUrl);
    // Sales created through the API draw ids from this range, so they never collide in the shared Redis.
    sql("ALTER TABLE sale ALTER COLUMN sale_id RESTART WITH " + (saleIdBase + 500));
    topic = infra.createTopic(LocalInfra.uniqueName("orders"), 1);
    redisClient = Redis.createClient(vertx, infra.redisUrl());
    redis = RedisAPI.api(redisClient);
    jedis = new Jedis(URI.create(infra.redisUrl()));
  }

  public Map<String, String> env(Map<String, String> overrides) {
    return ServiceEnv.forInfra(infra).database(pgUrl).orders(topic).consumerGroup(LocalInfra.uniqueName("group"))
        .stock().with("SECKILL_RECONCILE_INTERVAL_MS", "600000").with(overrides).toMap();
  }

  public StockService start(Map<String, String> overrides) {
    RunningService service = Main.start(Env.of(env(overrides))).await();
    services.add(service);
    return (StockService) service;
  }

  // ---- sales and orders, the way the gateway and the consumer make them ----

  /** An open sale inserted directly (ids from this harness's range), then warmed up through the API. */
  public long openSale(StockService service, int stock, long priceCents, int perUserLimit, int paymentTimeoutS) {
    long saleId = saleIdBase + (++nextSale);
    sql("INSERT INTO sale (sale_id, item_name, price_cents, initial_stock, remaining, per_user_limit, starts_at, ends_at,"
        + " payment_timeout_s) VALUES (" + saleId + ", 'Phone', " + priceCents + ", " + stock + ", " + stock + ", "
        + perUserLimit + ", now() - interval '1 hour', now() + interval '1 hour', " + paymentTimeoutS + ")");
    HttpResponse<String> warm = post(service, "/admin/v1/sales/" + saleId + "/warmup?force=true", null, true);
    assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
    return saleId;
  }

  /** reserve.lua only: the reservation a gateway made before it died or before Kafka delivered it. */
  public String reserve(long saleId, String userId, int quantity) {
    String orderId = OrderIds.next(saleId);
    Response r = GatewayReservation.reserve(redis, saleId, orderId, userId, quantity, TTL_S, "test");
    assertThat(r.get(0).toString()).as("reserve %s", r).isEqualTo("OK");
    return orderId;
  }

  /** The consumer's transaction: the orders row (created {@code ageSeconds} ago) and the sale decrement. */
  public void insertOrder(long saleId, String orderId, String userId, int quantity, int ageSeconds) {
    insertOrders(saleId, Map.of(orderId, userId), quantity, ageSeconds);
  }

  /** The consumer's batch: one-unit orders (id → shopper), created now, and the sale decrement, in one transaction. */
  public void insertOrders(long saleId, Map<String, String> shopperByOrderId) {
    insertOrders(saleId, shopperByOrderId, 1, 0);
  }

  private void insertOrders(long saleId, Map<String, String> shopperByOrderId, int quantity, int ageSeconds) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO orders (order_id, sale_id, user_id, quantity, status,"
          + " created_at, updated_at) VALUES (?, ?, ?, ?, 'PENDING_PAYMENT', now() - make_interval(secs => ?), now())")) {
        for (Map.Entry<String, String> order : shopperByOrderId.entrySet()) {
          s.setString(1, order.getKey());
          s.setLong(2, saleId);
          s.setString(3, order.getValue());
          s.setInt(4, quantity);
          s.setInt(5, ageSeconds);
          s.addBatch();
        }
        s.executeBatch();
      }
      int units = quantity * shopperByOrderId.size();
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE sale SET remaining = remaining - ? WHERE sale_id = ? AND remaining - ? >= 0")) {
        s.setInt(1, units);
        s.setLong(2, saleId);
        s.setInt(3, units);
        assertThat(s.executeUpdate()).isEqualTo(1);
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void persisted(long saleId, String orderId, String userId, int quantity) {
    io.seckill.common.redis.Reservations.persisted(redis, io.seckill.common.redis.Bucket.root(saleId),
        List.of(new io.seckill.common.redis.Reservations.Persisted(orderId, userId, quantity, "PENDING_PAYMENT")), TTL_S).await();
  }

  /** Admitted by the gateway and persisted by the consumer: a PENDING_PAYMENT order. */
  public String order(long saleId, String userId, int quantity, int ageSeconds) {
    String orderId = reserve(saleId, userId, quantity);
    insertOrder(saleId, orderId, userId, quantity, ageSeconds);
    persisted(saleId, orderId, userId, quantity);
    return orderId;
  }

  public void deleteSaleKeys(long saleId) {
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(Bucket.root(saleId).tag() + "*").count(500));
      if (!page.getResult().isEmpty()) {
        jedis.del(page.getResult().toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
  }

  public Invariants.Report invariants(long saleId, Collection<String> acknowledged) {
    return Invariants.check(pgUrl, infra.redisUrl(), saleId, acknowledged);
  }

  public Invariants.Report assertInvariants(long saleId, Collection<String> acknowledged) {
    Invariants.Report report = invariants(saleId, acknowledged);
    assertThat(report.holds()).as(report.toString()).isTrue();
    return report;
  }

  // ---- HTTP ----

  public HttpResponse<String> post(StockService service, String path, String body, boolean admin) {
    return send(service, path, "POST", body, admin ? Map.of("Authorization", "Bearer " + ADMIN_TOKEN) : Map.of());
  }

  public HttpResponse<String> get(StockService service, String path) {
    return send(service, path, "GET", null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
  }

  /** A GET on the management port (/metrics, /health/*): no token, it has none. */
  public HttpResponse<String> management(StockService service, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort() + path))
        .timeout(java.time.Duration.ofSeconds(15)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path + " on the management port failed", e);
    }
  }

  public HttpResponse<String> callback(StockService service, JsonObject body) {
    String raw = body.encode();
    return send(service, "/api/v1/payments/callback", "POST", raw,
        Map.of("X-Signature", TestSecrets.paymentSignature(raw)));
  }

  public HttpResponse<String> cancel(StockService service, String orderId, String userId) {
    return post(service, "/admin/v1/orders/" + orderId + "/cancel", new JsonObject().put("userId", userId).encode(), true);
  }

  public HttpResponse<String> send(StockService service, String path, String method, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !headers.containsKey("Content-Type")) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    try {
      return http.send(request.timeout(java.time.Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  public static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  /** The value of one Prometheus sample line (name and exact label set), or null when absent. */
  public Double metric(StockService service, String name, Set<String> labels) {
    for (String line : management(service, "/metrics").body().split("\n")) {
      if (line.startsWith(name + "{") && labels.stream().allMatch(line::contains)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return null;
  }

  // ---- SQL ----

  public Connection connect() throws SQLException {
    return db.connect();
  }

  public void sql(String statement) {
    db.execute(statement);
  }

  public long number(String query) {
    return db.number(query);
  }

  public String text(String query) {
    return db.text(query);
  }

  public long remaining(long saleId) {
    return number("SELECT remaining FROM sale WHERE sale_id = " + saleId);
  }

  public long redisStock(long saleId) {
    return Long.parseLong(jedis.get(Bucket.root(saleId).stock()));
  }

  public String status(String orderId) {
    return text("SELECT status FROM orders WHERE order_id = '" + orderId + "'");
  }

  @Override
  public void close() {
    services.forEach(s -> s.stop().await());
    jedis.close();
    redisClient.close();
    vertx.close().await();
  }
}
