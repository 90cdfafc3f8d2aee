package io.seckill.fault;

import io.seckill.common.auth.Jwt;
import io.seckill.common.db.PgUrls;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import io.seckill.infra.KafkaBroker;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.Ports;
import io.seckill.infra.stack.NewSale;
import io.seckill.infra.stack.ServiceEnv;
import io.seckill.infra.stack.TestDatabase;
import io.seckill.infra.stack.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * One scenario's system: a fresh database and topic on the shared PostgreSQL and Kafka, a Redis (the
 * shared one or a dedicated server), and the three services as separate processes wired as in
 * production. Closing it stops every process it started.
 */
final class FaultStack implements AutoCloseable {
  static final String ADMIN_TOKEN = TestSecrets.ADMIN_TOKEN;
  static final String PAYMENT_SECRET = TestSecrets.PAYMENT_SECRET;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();

  final String scenario;
  final LocalInfra infra;
  final String pgUrl;
  final String redisUrl;
  final String topic;
  final Jwt jwt = TestSecrets.JWT;
  private ServiceEnv env;
  private final List<ServiceProcess> started = new ArrayList<>();
  private final int gatewayPort = Ports.freePort();
  private final int stockPort = Ports.freePort();
  private volatile ServiceProcess gateway;
  private ServiceProcess stock;
  private int consumers;

  private FaultStack(String scenario, LocalInfra infra, String pgUrl, String redisUrl, String topic) {
    this.scenario = scenario;
    this.infra = infra;
    this.pgUrl = pgUrl;
    this.redisUrl = redisUrl;
    this.topic = topic;
  }

  /** A fresh database (migrated, sale ids unique on this machine) and a 4-partition topic; nothing started yet. */
  static FaultStack create(String scenario, String redisUrl, int partitions) throws SQLException {
    return create(scenario, redisUrl, partitions, null);
  }

  /** The same on a broker of the scenario's own ({@code null}: the shared one), e.g. one with a proxied listener. */
  static FaultStack create(String scenario, String redisUrl, int partitions, KafkaBroker broker) throws SQLException {
    LocalInfra infra = LocalInfra.shared();
    String pgUrl = infra.createSeckillDatabase("fault_" + scenario);
    String topicName = LocalInfra.uniqueName("fault-" + scenario + "-orders");
    String topic;
    if (broker == null) {
      topic = infra.createTopic(topicName, partitions);
    } else {
      broker.createTopic(topicName, partitions);
      topic = topicName;
    }
    FaultStack stack = new FaultStack(scenario, infra, pgUrl, redisUrl == null ? infra.redisUrl() : redisUrl, topic);
    // No SECKILL_HTTP_PORT or SECKILL_MANAGEMENT_PORT: ServiceProcess gives each process its own.
    stack.env = ServiceEnv.forInfra(infra).without("SECKILL_HTTP_PORT").without("SECKILL_MANAGEMENT_PORT")
        .with("SECKILL_REDIS_URL", stack.redisUrl).database(pgUrl).orders(topic)
        .with("SECKILL_KAFKA_BOOTSTRAP", broker == null ? infra.kafkaBootstrap() : broker.bootstrapServers())
        .consumerGroup(LocalInfra.uniqueName("fault-" + scenario + "-group"))
        .with("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:" + stack.stockPort)
        .withoutIpRateLimit()
        .with("SECKILL_CONSUMER_THREADS", "2")
        .with("SECKILL_CONSUMER_MAX_BATCH", "25")
        .with("SECKILL_CONSUMER_BACKOFF_MAX_MS", "1000")
        // A SIGKILLed member leaves the group after 6 s (the broker's minimum), not the production 45 s.
        .with("SECKILL_CONSUMER_SESSION_TIMEOUT_MS", "6000")
        .with("SECKILL_RECONCILE_INTERVAL_MS", "1000")
        // Past a gateway's order record lifetime: 2 x max block (500) + delivery timeout (3000) = 4000 ms.
        .with("SECKILL_ORPHAN_AFTER_MS", "4500")
        // An outage answers each shopper within ~3 s instead of the production 5 s.
        .with("SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", "3000")
        .with("SECKILL_KAFKA_REQUEST_TIMEOUT_MS", "1000")
        .with("SECKILL_KAFKA_MAX_BLOCK_MS", "500");
    return stack;
  }

  /** The value the services are started with. */
  String env(String name) {
    return env.get(name);
  }

  FaultStack with(String name, String value) {
    env = env.with(name, value);
    return this;
  }

  ServiceProcess startStock() {
    stock = track(ServiceProcess.start(ServiceProcess.Kind.STOCK, scenario + "-stock-service", stockPort, env.stock().toMap(),
        FaultPaths.log(scenario, "stock-service")));
    return stock;
  }

  ServiceProcess startConsumer(Map<String, String> extra) {
    Map<String, String> own = env.consumer().with(extra).toMap();
    String name = consumers++ == 0 ? "order-consumer" : "order-consumer-" + consumers;
    return track(ServiceProcess.start(ServiceProcess.Kind.CONSUMER, scenario + "-" + name, Ports.freePort(), own,
        FaultPaths.log(scenario, name)));
  }

  ServiceProcess startConsumer() {
    return startConsumer(Map.of());
  }

  /** (Re)starts the gateway on the same port, so buyers keep their address across crashes. */
  ServiceProcess startGateway(Map<String, String> extra) {
    Map<String, String> own = env.gateway().with(extra).toMap(); // the gateway holds only the cancel-only token
    gateway = track(ServiceProcess.start(ServiceProcess.Kind.GATEWAY, scenario + "-gateway", gatewayPort, own,
        FaultPaths.log(scenario, "gateway")));
    return gateway;
  }

  ServiceProcess startGateway() {
    return startGateway(Map.of());
  }

  ServiceProcess gateway() {
    return gateway;
  }

  private ServiceProcess track(ServiceProcess process) {
    synchronized (started) {
      started.add(process);
    }
    return process;
  }

  /** Creates an open sale through the admin API (warmed up in Redis) and returns its id. */
  long createOpenSale(int units) throws Exception {
    return createOpenSale(units, 3600);
  }

  /** An open sale whose unpaid orders are cancelled after {@code paymentTimeoutSeconds} (at least 10). */
  long createOpenSale(int units, int paymentTimeoutSeconds) throws Exception {
    return NewSale.of(units).itemName("Fault phone " + scenario).paymentTimeoutSeconds(paymentTimeoutSeconds)
        .createOn(stockServiceUri(""));
  }

  HttpResponse<String> warmup(long saleId, boolean force) throws Exception {
    return admin("POST", "/admin/v1/sales/" + saleId + "/warmup" + (force ? "?force=true" : ""), "");
  }

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stockPort + path))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(15));
    if (!body.isEmpty()) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One shopper's purchase of one unit through the gateway. */
  HttpResponse<String> buy(HttpClient client, long saleId, String user) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", TestSecrets.shopperBearer(user)).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  Invariants.Report invariants(long saleId, Collection<String> acknowledged) {
    return Invariants.check(pgUrl, redisUrl, saleId, acknowledged);
  }

  /** What the database and Redis hold for the sale, for the report line. */
  SaleFigures figures(long saleId, Collection<String> acknowledged) throws SQLException {
    try (Connection db = DriverManager.getConnection(PgUrls.toJdbc(pgUrl));
         Jedis redis = new Jedis(URI.create(redisUrl))) {
      long initial = 0;
      long remaining = 0;
      try (PreparedStatement s = db.prepareStatement("SELECT initial_stock, remaining FROM sale WHERE sale_id = ?")) {
        s.setLong(1, saleId);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            initial = rs.getLong(1);
            remaining = rs.getLong(2);
          }
        }
      }
      long live = 0;
      long failed = 0;
      long liveWithout202 = 0;
      java.util.Set<String> acked = new java.util.HashSet<>(acknowledged);
      try (PreparedStatement s = db.prepareStatement("SELECT order_id, status FROM orders WHERE sale_id = ?")) {
        s.setLong(1, saleId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            if ("FAILED".equals(rs.getString(2))) {
              failed++;
            } else {
              live++;
              if (!acked.contains(rs.getString(1))) {
                liveWithout202++;
              }
            }
          }
        }
      }
      String stock = redis.get(Bucket.root(saleId).stock());
      return new SaleFigures(initial, remaining, stock == null ? null : Long.parseLong(stock),
          redis.zcard(Bucket.root(saleId).pending()), live, failed, liveWithout202);
    }
  }

  /**
   * @param liveWithout202 live orders no shopper got a 202 for (the gateway died or timed out after Kafka took them)
   */
  record SaleFigures(long initial, long dbRemaining, Long redisStock, long pending, long liveOrders, long failedOrders,
                     long liveWithout202) {
  }

  /** Order rows of the sale, FAILED ones included: grows while a consumer persists. */
  long orderRows(long saleId) throws SQLException {
    return TestDatabase.at(pgUrl).number("SELECT count(*) FROM orders WHERE sale_id = ?", saleId);
  }

  /** FAILED rows of the sale with this reason (SOLD_OUT, DUPLICATE). */
  long failedRows(long saleId, String reason) throws SQLException {
    return TestDatabase.at(pgUrl).number(
        "SELECT count(*) FROM orders WHERE sale_id = ? AND status = 'FAILED' AND reason = ?", saleId, reason);
  }

  /** An address on the gateway (the same port across restarts). */
  URI gatewayUri(String path) {
    return URI.create("http://127.0.0.1:" + gatewayPort + path);
  }

  /** An address on stock-service (the payment provider's callback, the operators' calls). */
  URI stockServiceUri(String path) {
    return URI.create("http://127.0.0.1:" + stockPort + path);
  }

  /** The shoppers' sale view through the gateway (no auth). */
  HttpResponse<String> publicSale(long saleId) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/api/v1/sales/" + saleId))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  long pending(long saleId) {
    try (Jedis redis = new Jedis(URI.create(redisUrl))) {
      return redis.zcard(Bucket.root(saleId).pending());
    }
  }

  Long redisStock(long saleId) {
    try (Jedis redis = new Jedis(URI.create(redisUrl))) {
      String stock = redis.get(Bucket.root(saleId).stock());
      return stock == null ? null : Long.parseLong(stock);
    }
  }

  @Override
  public void close() {
    List<ServiceProcess> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    for (ServiceProcess process : all) {
      process.stop();
    }
  }
}
