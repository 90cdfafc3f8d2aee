package io.seckill.contract;

import io.seckill.common.RunningService;
import io.seckill.common.auth.Jwt;
import io.seckill.common.db.PgUrls;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.stack.LocalHttp;
import io.seckill.infra.stack.TestSecrets;
import io.seckill.testing.SeckillSystem;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * The contract suites' view of the system: the shared in-process fixture ({@link SeckillSystem})
 * on its own Redis logical database, with byte-exact replies and the calls these suites make.
 */
final class ContractSystem implements AutoCloseable {
  static final String JWT_SECRET = TestSecrets.JWT_SECRET;
  static final String ADMIN_TOKEN = TestSecrets.ADMIN_TOKEN;
  static final String CANCEL_TOKEN = TestSecrets.CANCEL_TOKEN;
  static final String PAYMENT_SECRET = TestSecrets.PAYMENT_SECRET;
  static final long PRICE_CENTS = SeckillSystem.PRICE_CENTS;

  final LocalInfra infra;
  final String pgUrl;
  final String redisUrl;
  final RunningService stock;
  final RunningService consumer;
  final RunningService gateway;
  final Jwt jwt;
  private final SeckillSystem system;

  private ContractSystem(SeckillSystem system) {
    this.system = system;
    this.infra = system.infra();
    this.pgUrl = system.pgUrl();
    this.redisUrl = system.redisUrl();
    this.stock = system.stock();
    this.consumer = system.consumer();
    this.gateway = system.gateway();
    this.jwt = system.jwt();
  }

  static ContractSystem start(String name, Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SECKILL_REDIS_URL", ownLogicalDatabase(LocalInfra.shared().redisUrl()));
    env.putAll(overrides);
    return new ContractSystem(SeckillSystem.start(name, env));
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
    return system.createSale(stockUnits, perUserLimit, paymentTimeoutS, requireToken, opensInSeconds);
  }

  Reply buy(long saleId, String user, int quantity) throws Exception {
    return send(HttpRequest.newBuilder(gatewayUri("/api/v1/sales/" + saleId + "/orders"))
        .header("Authorization", TestSecrets.shopperBearer(user)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":" + quantity + "}")));
  }

  Reply order(String orderId, String user) throws Exception {
    return send(HttpRequest.newBuilder(gatewayUri("/api/v1/orders/" + orderId))
        .header("Authorization", TestSecrets.shopperBearer(user)).GET());
  }

  Reply cancel(String orderId, String user) throws Exception {
    return send(HttpRequest.newBuilder(gatewayUri("/api/v1/orders/" + orderId + "/cancel"))
        .header("Authorization", TestSecrets.shopperBearer(user)).POST(HttpRequest.BodyPublishers.noBody()));
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
    return TestSecrets.paymentSignature(body);
  }

  URI gatewayUri(String path) {
    return SeckillSystem.uri(gateway, path);
  }

  URI stockUri(String path) {
    return SeckillSystem.uri(stock, path);
  }

  static Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<byte[]> response = LocalHttp.CLIENT.send(request.timeout(LocalHttp.TIMEOUT).build(),
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
    system.close();
  }
}
