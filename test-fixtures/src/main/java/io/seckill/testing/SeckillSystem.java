package io.seckill.testing;

import io.seckill.common.RunningService;
import io.seckill.common.auth.Jwt;
import io.seckill.common.config.Env;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.stack.LocalHttp;
import io.seckill.infra.stack.NewSale;
import io.seckill.infra.stack.ServiceEnv;
import io.seckill.infra.stack.TestSecrets;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * stock-service, gateways and order consumers started in this JVM against real Redis, PostgreSQL
 * (a fresh database whose sale ids cannot collide with other tests' in a shared Redis) and Kafka
 * (a fresh topic and group): the fixture of every end-to-end suite. Instances can be added and
 * stopped while a sale runs. Secrets are fixed test values.
 */
public final class SeckillSystem implements AutoCloseable {
  public static final long PRICE_CENTS = 19_900;

  private final LocalInfra infra = LocalInfra.shared();
  private ServiceEnv env;
  /** Per service (STOCK, CONSUMER, GATEWAY): variables only that service gets, e.g. its own Redis and Kafka user. */
  private final Map<String, Map<String, String>> serviceEnv = new HashMap<>();
  private final String pgUrl;
  private final String topic;
  private final List<RunningService> gateways = new ArrayList<>();
  private final List<RunningService> consumers = new ArrayList<>();
  private RunningService stock;

  private SeckillSystem(String name, int partitions, Map<String, String> overrides) throws Exception {
    pgUrl = infra.createSeckillDatabase(name);
    // A test may bring its own broker (SECKILL_KAFKA_BOOTSTRAP in the overrides): the topic is created there.
    String bootstrap = overrides.getOrDefault("SECKILL_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
    // A test on its own broker may name the topic (the manifests' names, for ACLs that mirror them).
    topic = overrides.getOrDefault("SECKILL_ORDERS_TOPIC", LocalInfra.uniqueName(name + "-orders"));
    io.seckill.infra.KafkaAdmin.createTopic(bootstrap, topic, partitions);
    env = ServiceEnv.forInfra(infra).with("SECKILL_KAFKA_BOOTSTRAP", bootstrap).database(pgUrl).orders(topic)
        .consumerGroup(LocalInfra.uniqueName(name + "-group")).with(overrides);
  }

  /**
   * Starts stock-service, then {@code consumers} consumers and {@code gateways} gateways.
   *
   * @param overrides  environment variables to set or replace (Redis URL and mode, rate limits, intervals ...)
   */
  public static SeckillSystem start(String name, Map<String, String> overrides, int partitions, int gateways,
                                    int consumers) throws Exception {
    return start(name, overrides, Map.of(), partitions, gateways, consumers);
  }

  /** Service names for {@code perService}. */
  public static final String STOCK = "stock-service";
  public static final String CONSUMER = "order-consumer";
  public static final String GATEWAY = "gateway";

  /**
   * As {@link #start(String, Map, int, int, int)}, and each service ({@link #STOCK}, {@link #CONSUMER},
   * {@link #GATEWAY}) also gets its own variables from {@code perService} (its own credentials, say).
   */
  public static SeckillSystem start(String name, Map<String, String> overrides, Map<String, Map<String, String>> perService,
                                    int partitions, int gateways, int consumers) throws Exception {
    SeckillSystem system = new SeckillSystem(name, partitions, overrides);
    system.serviceEnv.putAll(perService);
    try {
      system.stock = io.seckill.stock.Main.start(system.envFor(STOCK, system.env.stock(), Map.of())).await();
      system.env = system.env.with("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:" + system.stock.httpPort());
      for (int i = 0; i < consumers; i++) {
        system.startConsumer();
      }
      for (int i = 0; i < gateways; i++) {
        system.startGateway();
      }
      return system;
    } catch (Exception | Error e) {
      system.close();
      throw e;
    }
  }

  /** One gateway, one consumer, a 2-partition topic. */
  public static SeckillSystem start(String name, Map<String, String> overrides) throws Exception {
    return start(name, overrides, 2, 1, 1);
  }

  public RunningService startGateway() {
    return startGateway(Map.of());
  }

  /** A gateway whose environment differs from the system's in {@code extra} (e.g. Kafka or PostgreSQL through a proxy). */
  public RunningService startGateway(Map<String, String> extra) {
    // As in production (ServiceEnv#gateway): the gateway holds the cancel-only token, never the operators' one.
    RunningService gateway = io.seckill.gateway.Main.start(envFor(GATEWAY, env.gateway(), extra)).await();
    gateways.add(gateway);
    return gateway;
  }

  public RunningService startConsumer() {
    RunningService consumer = io.seckill.consumer.Main.start(envFor(CONSUMER, env.consumer(), Map.of())).await();
    consumers.add(consumer);
    return consumer;
  }

  /** Graceful stop: the consumer commits what it persisted and leaves the group, which rebalances. */
  public void stopConsumer(RunningService consumer) {
    consumer.stop().await();
    consumers.remove(consumer);
  }

  private Env envFor(String service, ServiceEnv view, Map<String, String> extra) {
    return view.with(serviceEnv.getOrDefault(service, Map.of())).with(extra).toEnv();
  }

  public LocalInfra infra() {
    return infra;
  }

  public String pgUrl() {
    return pgUrl;
  }

  public String redisUrl() {
    return env.get("SECKILL_REDIS_URL");
  }

  public String topic() {
    return topic;
  }

  public String consumerGroup() {
    return env.get("SECKILL_CONSUMER_GROUP");
  }

  public Jwt jwt() {
    return TestSecrets.JWT;
  }

  public RunningService stock() {
    return stock;
  }

  public RunningService gateway() {
    return gateways.get(0);
  }

  public RunningService consumer() {
    return consumers.get(0);
  }

  public List<RunningService> gateways() {
    return List.copyOf(gateways);
  }

  public List<RunningService> consumers() {
    return List.copyOf(consumers);
  }

  /** A sale through the admin API (warmed up into Redis); open now unless {@code opensInSeconds} > 0. */
  public long createSale(int units, int perUserLimit, int paymentTimeoutS, boolean requireToken, long opensInSeconds)
      throws Exception {
    return createSale(units, perUserLimit, paymentTimeoutS, requireToken, opensInSeconds, 1);
  }

  /** The same, with the sale's Redis stock split into {@code stockBuckets} buckets. */
  public long createSale(int units, int perUserLimit, int paymentTimeoutS, boolean requireToken, long opensInSeconds,
                         int stockBuckets) throws Exception {
    return NewSale.of(units).itemName("Test phone").priceCents(PRICE_CENTS).perUserLimit(perUserLimit)
        .paymentTimeoutSeconds(paymentTimeoutS).requirePurchaseToken(requireToken).opensInSeconds(opensInSeconds)
        .stockBuckets(stockBuckets).createOn(uri(stock, ""));
  }

  /** An open sale of {@code units}, one per shopper, paid within 300 s, no purchase token. */
  public long createOpenSale(int units) throws Exception {
    return createSale(units, 1, 300, false, 0);
  }

  public HttpResponse<String> buy(RunningService gateway, long saleId, String user) throws Exception {
    return send(HttpRequest.newBuilder(uri(gateway, "/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", TestSecrets.shopperBearer(user)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")));
  }

  public HttpResponse<String> buy(long saleId, String user) throws Exception {
    return buy(gateway(), saleId, user);
  }

  public HttpResponse<String> order(String user, String orderId) throws Exception {
    return send(HttpRequest.newBuilder(uri(gateway(), "/api/v1/orders/" + orderId))
        .header("Authorization", TestSecrets.shopperBearer(user)).GET());
  }

  public HttpResponse<String> cancel(String user, String orderId) throws Exception {
    return send(HttpRequest.newBuilder(uri(gateway(), "/api/v1/orders/" + orderId + "/cancel"))
        .header("Authorization", TestSecrets.shopperBearer(user)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** A correctly signed payment callback to stock-service. */
  public HttpResponse<String> paymentCallback(String paymentId, String orderId, long amountCents) throws Exception {
    String body = new JsonObject().put("paymentId", paymentId).put("orderId", orderId).put("amountCents", amountCents)
        .put("outcome", "SUCCEEDED").encode();
    return send(HttpRequest.newBuilder(uri(stock, "/api/v1/payments/callback"))
        .header("Content-Type", "application/json")
        .header("X-Signature", TestSecrets.paymentSignature(body))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** POST to an admin route of stock-service with the admin token. */
  public HttpResponse<String> admin(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(uri(stock, path))
        .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  public static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return LocalHttp.CLIENT.send(request.timeout(LocalHttp.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  public static URI uri(RunningService service, String path) {
    return URI.create("http://127.0.0.1:" + service.httpPort() + path);
  }

  /** A URI on the service's management port: /metrics, /health/live, /health/ready. */
  public static URI managementUri(RunningService service, String path) {
    return URI.create("http://127.0.0.1:" + service.managementPort() + path);
  }

  @Override
  public void close() {
    List<RunningService> all = new ArrayList<>(gateways);
    all.addAll(consumers);
    if (stock != null) {
      all.add(stock);
    }
    for (RunningService service : all) {
      try {
        service.stop().await();
      } catch (RuntimeException e) {
        // keep stopping the others
      }
    }
  }
}
