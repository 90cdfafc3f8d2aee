package io.seckill.gateway.dev;

import io.seckill.common.RunningService;
import io.seckill.common.auth.Jwt;
import io.seckill.common.config.Env;
import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.RedisKeys;
import io.seckill.gateway.Main;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.stack.LocalHttp;
import io.seckill.infra.stack.SeededSale;
import io.seckill.infra.stack.ServiceEnv;
import io.seckill.infra.stack.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * A gateway started in-process against the shared real Redis, PostgreSQL and Kafka, for the dev-route
 * tests (the gateway package's own harness is package-private; this is its small cousin).
 */
final class DevGateway implements AutoCloseable {
  static final String JWT_SECRET = TestSecrets.JWT_SECRET;
  static final String PAYMENT_SECRET = TestSecrets.PAYMENT_SECRET;
  static final Jwt JWT = TestSecrets.JWT;

  final LocalInfra infra = LocalInfra.shared();
  final RunningService service;
  private final HttpClient http = LocalHttp.CLIENT;

  DevGateway(Map<String, String> overrides) {
    String pgUrl = infra.createSeckillDatabase("gateway_dev");
    Env env = ServiceEnv.forInfra(infra).database(pgUrl)
        .orders(infra.createTopic(LocalInfra.uniqueName("dev-orders"), 1)).gateway()
        .with("SECKILL_EVENT_LOOPS", "1").without("SECKILL_PAYMENT_SECRET").with(overrides).toEnv();
    service = Main.start(env).await();
  }

  /** Seeds a sale's Redis meta and stock as stock-service's warm-up would (the gateway reads nothing else). */
  long seedOpenSale(long priceCents) {
    return SeededSale.of(LocalInfra.uniqueSaleIdBase(), 10).itemName("Dev item").priceCents(priceCents).perUserLimit(2)
        .warmInto(infra.redisUrl()).saleId();
  }

  /** An order as the status cache holds it once the consumer persisted it. */
  String seedOrder(long saleId, String userId, int quantity, String status) {
    String orderId = OrderIds.next(saleId);
    try (Jedis redis = jedis()) {
      redis.hset(RedisKeys.order(orderId), Map.of("userId", userId, "quantity", Integer.toString(quantity),
          "status", status));
      redis.expire(RedisKeys.order(orderId), 600);
    }
    return orderId;
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String user, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (user != null) {
      b.header("Authorization", "Bearer " + JWT.mint(user, 600));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.httpPort() + path);
  }

  private Jedis jedis() {
    return new Jedis(URI.create(infra.redisUrl()));
  }

  @Override
  public void close() {
    service.stop().await();
  }
}
