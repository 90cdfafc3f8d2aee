package io.seckill.stock;

import io.seckill.common.RunningService;
import io.seckill.common.ServiceMain;
import io.seckill.common.config.Env;
import io.seckill.common.db.PgPools;
import io.seckill.common.db.SchemaMigrator;
import io.seckill.common.kafka.KafkaCredentialsCheck;
import io.seckill.common.management.Health;
import io.seckill.common.management.ManagementServer;
import io.seckill.common.metrics.ServiceRuntime;
import io.seckill.common.redis.RedisClients;
import io.seckill.stock.admin.AdminAuth;
import io.seckill.stock.admin.AdminMetrics;
import io.seckill.stock.payment.PaymentProcessor;
import io.seckill.stock.payment.PaymentProvider;
import io.seckill.stock.payment.PaymentQuerySweep;
import io.seckill.stock.payment.PaymentRoutes;
import io.seckill.stock.payment.PaymentTimeoutSweeper;
import io.seckill.stock.reconcile.KafkaLag;
import io.seckill.stock.reconcile.PendingSettlement;
import io.seckill.stock.reconcile.Reconciler;
import io.seckill.stock.reconcile.StockGauges;
import io.seckill.stock.reconcile.StockHealing;
import io.seckill.stock.reconcile.StockProbe;
import io.seckill.stock.returns.OrderCancellation;
import io.seckill.stock.returns.OrderRoutes;
import io.seckill.stock.returns.RestockPublisher;
import io.seckill.stock.returns.StockReturnApplier;
import io.seckill.stock.sale.BlocklistRoutes;
import io.seckill.stock.sale.OperatorStateWriter;
import io.seckill.stock.sale.SaleControlRoutes;
import io.seckill.stock.sale.SaleQueries;
import io.seckill.stock.sale.SaleRoutes;
import io.seckill.stock.sale.SaleWarmup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires stock-service: config, schema, clients, the parts, then the HTTP, management and background verticles. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    ServiceMain.run("seckill-stock-service", Main::start);
  }

  public static Future<RunningService> start(Env env) {
    StockConfig config = StockConfig.from(env);
    LOG.info("starting stock-service with {}", config);
    // Fail-closed: on Kafka refusing the SASL login (a wrong password). Fail-open: on Kafka being down.
    KafkaCredentialsCheck.verify(config.kafka());
    ServiceRuntime runtime = ServiceRuntime.create("stock-service", 2);
    Vertx vertx = runtime.vertx();
    return vertx.executeBlocking(() -> SchemaMigrator.migrate(config.pg().url()))
        .compose(migrated -> wire(runtime, config))
        .recover(failure -> vertx.close().transform(closed -> Future.failedFuture(failure)));
  }

  private static Future<RunningService> wire(ServiceRuntime runtime, StockConfig config) {
    Vertx vertx = runtime.vertx();
    Pool pool = PgPools.create(vertx, config.pg(), "stock-service");
    Redis redisClient = RedisClients.create(vertx, config.redis());
    RedisAPI redis = RedisAPI.api(redisClient);
    KafkaLag kafkaLag = new KafkaLag(vertx, config.kafka(), config.kafka().ordersTopic(), config.consumerGroup());
    StockClients clients = new StockClients(pool, redisClient, redis, kafkaLag);

    RestockPublisher restock = new RestockPublisher(redis, config.redisTimeoutMs());
    // One probe: the sale views and the reconciler read a sale's stock the same way.
    StockProbe probe = new StockProbe(pool, redis);
    SaleWarmup warmup = new SaleWarmup(pool, redis, restock);
    StockReturnApplier applier = new StockReturnApplier(pool, redis, restock, config.orderStatusTtlS(),
        config.redisTimeoutMs());
    OrderCancellation cancellation = new OrderCancellation(pool, applier, runtime.registry());
    PaymentTimeoutSweeper sweeper = new PaymentTimeoutSweeper(pool, cancellation);
    Reconciler reconciler = new Reconciler(pool, probe, kafkaLag, new PendingSettlement(pool, redis, restock, config),
        new StockHealing(redis, restock), new StockGauges(runtime.registry()));
    AdminMetrics adminMetrics = new AdminMetrics(runtime.registry(), pool);
    PaymentProcessor payments = new PaymentProcessor(pool, redis, config.orderStatusTtlS(), config.redisTimeoutMs());
    PaymentProvider provider = PaymentProvider.of(vertx, pool, config.paymentQuery());
    PaymentQuerySweep querySweep = provider == null ? null
        : new PaymentQuerySweep(pool, provider, payments, cancellation, config.paymentQuery(), runtime.registry());
    OperatorStateWriter operatorState = new OperatorStateWriter(pool, redis, restock, config.redisTimeoutMs());
    StockComponents components = new StockComponents(new AdminAuth(config.adminToken(), config.cancelToken()),
        new SaleRoutes(pool, warmup, probe, reconciler),
        new SaleControlRoutes(pool, warmup, operatorState, adminMetrics),
        new BlocklistRoutes(pool, operatorState, adminMetrics),
        new OrderRoutes(cancellation),
        new PaymentRoutes(payments, config.paymentSecret(), runtime.registry()));

    Health health = new Health(2_000, config.management().readinessCacheMs())
        .check("postgresql", () -> pool.query(SaleQueries.HEALTH_PROBE).execute())
        .check("redis", () -> redis.ping(List.of()));
    ManagementServer management = new ManagementServer(runtime, health, config.bind().host(),
        config.management().port(), config.http());
    StockService service = new StockService(runtime, clients, management);
    StockHttpVerticle http = new StockHttpVerticle(components, config);
    return vertx.deployVerticle(http)
        .compose(id -> vertx.deployVerticle(management))
        .compose(id -> vertx.deployVerticle(new BackgroundJobs(sweeper, querySweep, applier, reconciler, config,
            adminMetrics::refreshPaused)))
        .map(id -> (RunningService) service.listeningOn(http))
        .recover(failure -> {
          kafkaLag.close();
          return Future.failedFuture(failure);
        });
  }
}
