package io.seckill.gateway;

import io.seckill.gateway.admission.AdmissionFaults;
import io.seckill.gateway.admission.AdmissionService;
import io.seckill.gateway.admission.BucketWalk;
import io.seckill.gateway.admission.OrderAcceptance;
import io.seckill.gateway.admission.ReservationUndo;
import io.seckill.gateway.admission.SellOuts;
import io.seckill.gateway.admission.OrderHandOff;
import io.seckill.gateway.admission.OrderPublisher;
import io.seckill.gateway.admission.SoldOutFlags;
import io.seckill.gateway.guards.RateLimiter;
import io.seckill.gateway.guards.RequestGuards;
import io.seckill.gateway.guards.ShopperAuth;
import io.seckill.gateway.orders.IdempotencyStore;
import io.seckill.gateway.orders.OrderRoutes;
import io.seckill.gateway.orders.OrderStatusReader;
import io.seckill.gateway.orders.StockServiceClient;
import io.seckill.gateway.sales.PowChallenges;
import io.seckill.gateway.sales.RestockSubscriber;
import io.seckill.gateway.sales.SaleList;
import io.seckill.gateway.sales.SaleMetaCache;
import io.seckill.gateway.sales.PurchaseTokens;
import io.seckill.gateway.sales.SaleRoutes;
import io.seckill.gateway.warmup.WarmUpPass;
import io.seckill.gateway.warmup.WarmUpSalesInRedis;
import io.seckill.gateway.warmup.WarmUpTraffic;
import io.seckill.common.RunningService;
import io.seckill.common.ServiceMain;
import io.seckill.common.auth.JwksTokenVerifier;
import io.seckill.common.auth.Jwt;
import io.seckill.common.auth.SecretTokenVerifier;
import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.common.db.OrderFence;
import io.seckill.common.db.PgPools;
import io.seckill.common.management.Health;
import io.seckill.common.management.ManagementServer;
import io.seckill.common.metrics.ServiceRuntime;
import io.seckill.common.kafka.KafkaCredentialsCheck;
import io.seckill.common.redis.RedisClients;
import io.seckill.common.redis.SeckillScripts;
import io.seckill.gateway.clientip.ClientIp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the gateway: config, Vert.x with metrics, shared components, one HTTP verticle per event loop. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    ServiceMain.run("seckill-gateway", Main::start);
  }

  /** Starts the gateway; a missing or malformed variable throws {@link ConfigException} before anything starts. */
  public static Future<RunningService> start(Env env) {
    GatewayConfig config = GatewayConfig.from(env);
    LOG.info("starting with {}", config);
    // Fail-closed on Kafka refusing the SASL login (a wrong password), open on Kafka being down.
    KafkaCredentialsCheck.verify(config.kafka());
    if (config.proxyProtocol()) {
      LOG.warn("SECKILL_PROXY_PROTOCOL=true: Vert.x's vertx_http_server_* metrics are off (they would hide the PROXY"
          + " header's client address); the seckill_* metrics are unaffected");
    }
    ServiceRuntime runtime = ServiceRuntime.create("gateway", config.eventLoops(), !config.proxyProtocol());
    Vertx vertx = runtime.vertx();
    LongSupplier clock = System::currentTimeMillis;
    GatewayMetrics metrics = new GatewayMetrics(runtime.registry());
    Redis redisClient = RedisClients.create(vertx, config.redis());
    RedisAPI redis = RedisAPI.api(redisClient);
    // Small: the gateway reads orders that fell out of the Redis status cache, asks whether a sale missing from
    // Redis exists, and settles a Kafka send that failed ambiguously (OrderFence) — none of it on the happy path.
    Pool pg = PgPools.create(vertx, config.pg(), "gateway-orders");
    OrderPublisher publisher = new OrderPublisher(config, metrics);
    StockServiceClient stockService = new StockServiceClient(vertx, config.stockServiceUrl(), config.cancelToken());

    RedisCalls calls = new RedisCalls(config.redisMaxInFlight(), config.redisTimeoutMs(), metrics);
    SoldOutFlags soldOut = new SoldOutFlags(config.soldOutTtlMs(), clock);
    SaleMetaCache metaCache = new SaleMetaCache(redis, calls, pg, config.metaCacheTtlMs(), clock);
    OrderStatusReader orderReader = new OrderStatusReader(redis, calls, pg);
    OrderHandOff handOff = new OrderHandOff(publisher, new OrderFence(pg), config.orderFenceTimeoutMs(), metrics);
    SellOuts sellOuts = new SellOuts(redis, calls, soldOut);
    ReservationUndo undo = new ReservationUndo(redis, calls, soldOut, metrics, config.orderStatusTtlS());
    AdmissionService admission = new AdmissionService(metaCache, sellOuts,
        new BucketWalk(redis, calls, soldOut, undo, metrics, config.orderStatusTtlS()),
        new OrderAcceptance(handOff, undo, sellOuts, AdmissionFaults.haltAfterReserveEvery(config.testHaltAfterReserveEvery()),
            clock),
        orderReader, clock);
    IdempotencyStore idempotency = new IdempotencyStore(redis, calls, config.idempotencyTtlS(), config.idempotencyLockTtlS(),
        config.http().requestTimeoutMs(), clock);
    RateLimiter perUser = new RateLimiter(config.userRatePerS(), config.userBurst(), config.rateMaxKeys(), System::nanoTime);
    RateLimiter perIp = new RateLimiter(config.ipRatePerS(), config.ipBurst(), config.rateMaxKeys(), System::nanoTime);
    WarmUpPass warmUpPass = new WarmUpPass();
    RequestGuards guards = new RequestGuards(perUser, perIp, metrics, warmUpPass,
        new ClientIp(config.trustedProxies()));
    LongConsumer forgetSale = saleId -> {
      soldOut.clear(saleId);
      metaCache.evict(saleId);
    };
    RestockSubscriber restock = new RestockSubscriber(vertx, config.redis(), forgetSale, () -> {
      soldOut.clearAll();
      metaCache.evictAll();
    });

    JwksTokenVerifier jwks = config.jwt().jwksMode() ? new JwksTokenVerifier(vertx, config.jwt()) : null;
    // With a JWKS the warm-up cannot mint shopper tokens: it signs its own with a secret that never leaves the process.
    String warmUpSecret = jwks == null ? config.jwt().secret() : randomSecret();
    ShopperAuth auth = jwks == null ? new ShopperAuth(new SecretTokenVerifier(vertx, warmUpSecret, config.jwt()))
        : new ShopperAuth(jwks, warmUpPass, new SecretTokenVerifier(vertx, warmUpSecret, config.jwt().withoutIssuer()));
    WarmUpTraffic warmUp = config.warmUp().enabled() ? new WarmUpTraffic(vertx,
        new WarmUpSalesInRedis(redis, config.redis().mode()), publisher, config.warmUp(), new Jwt(warmUpSecret),
        warmUpPass) : null;
    if (warmUp == null) {
      auth.endWarmUp();
    } else {
      warmUp.done().onComplete(over -> {
        over.result().saleIds().forEach(forgetSale::accept);
        guards.forgetWarmUp();
        auth.endWarmUp();
      });
    }

    // Readiness checks dependencies, and the warm-up until it is over; a sold-out sale never makes the gateway unready.
    Health health = new Health(2500, config.management().readinessCacheMs())
        .check("redis", () -> redis.ping(List.of()))
        .check("kafka", () -> publisher.probe(vertx))
        .check("postgres", () -> pg.query("SELECT 1").execute())
        .check("warm-up", () -> warmUp == null || warmUp.done().isComplete() ? Future.succeededFuture()
            : Health.notReady("warming-up", warmUp.progress()));
    if (jwks != null) {
      // No token can verify before the first JWKS fetch: not ready until then.
      health.check("identity-keys", () -> jwks.ready().isComplete() ? Future.succeededFuture()
          : Health.notReady("unavailable", "identity provider keys not fetched yet"));
    }
    ManagementServer management = new ManagementServer(runtime, health, config.bind().host(),
        config.management().port(), config.http());
    PowChallenges challenges = new PowChallenges(redis, calls, metaCache, config.challengeTtlS(), clock);
    GatewayComponents components = new GatewayComponents(config, metrics,
        guards, auth,
        new SaleRoutes(redis, calls, metaCache, soldOut, clock),
        new PurchaseTokens(redis, calls, metaCache, soldOut, challenges, config.purchaseTokenTtlS()),
        new OrderRoutes(admission, idempotency, orderReader, stockService), new PurchaseMetrics(metrics),
        new SaleList(pg, config.saleListCacheTtlMs(), clock), challenges);

    GatewayService service = new GatewayService(vertx,
        new GatewayClients(redisClient, pg, publisher, stockService, restock), metrics, management);
    int port = config.httpPort() == 0 ? freePort() : config.httpPort();
    // Fail-open at start: EVALSHA reloads a missing script, and Kafka/Redis may come up after the gateway.
    Future<Void> preload = SeckillScripts.preloadAll(redis)
        .onFailure(e -> LOG.warn("could not preload Lua scripts: {}", e.toString()))
        .recover(e -> Future.succeededFuture());
    if (jwks != null) {
      jwks.start(); // not awaited: readiness waits for the first fetch, which retries until the IdP answers
    }
    return Future.all(preload, publisher.warmUp(vertx), restock.start())
        .compose(ready -> vertx.deployVerticle(() -> service.track(new GatewayVerticle(components, port)),
            new DeploymentOptions().setInstances(config.eventLoops())))
        .compose(id -> vertx.deployVerticle(management))
        .map(id -> (RunningService) service.listeningOn(port).warmingUp(warmUp, port))
        .recover(e -> service.stop().transform(stopped -> Future.failedFuture(e)));
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** SECKILL_HTTP_PORT=0: pick a free port once, so every verticle instance shares the same one. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for the HTTP server", e);
    }
  }
}
