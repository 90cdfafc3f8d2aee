package io.seckill.web;

import io.seckill.common.RunningService;
import io.seckill.common.config.Env;
import io.seckill.common.db.PgUrls;
import io.seckill.common.db.SchemaMigrator;
import io.seckill.infra.LocalInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The three services started in-process against real Redis, PostgreSQL and Kafka, each on its own
 * port, with a fresh database and topic, and the gateway in dev mode (dev sign-in, payment simulator
 * wired to this stock-service). A copy of system-tests' RunningSystem (test classes are not shared
 * between modules); keep the two in step.
 */
final class WebSystem implements AutoCloseable {
  static final String JWT_SECRET = "web-tests-jwt-secret-0123456789abcdefgh";
  static final String ADMIN_TOKEN = "web-tests-admin-token-0123456789abcdefg";
  static final String PAYMENT_SECRET = "web-tests-payment-secret-0123456789abcd";

  final RunningService stock;
  final RunningService consumer;
  final RunningService gateway;

  private WebSystem(RunningService stock, RunningService consumer, RunningService gateway) {
    this.stock = stock;
    this.consumer = consumer;
    this.gateway = gateway;
  }

  static WebSystem start(String name) throws Exception {
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
    RunningService stock = null;
    RunningService consumer = null;
    try {
      stock = io.seckill.stock.Main.start(Env.of(env)).await();
      consumer = io.seckill.consumer.Main.start(Env.of(env)).await();
      env.put("SECKILL_STOCK_SERVICE_URL", "http://127.0.0.1:" + stock.httpPort());
      env.put("SECKILL_DEV_MODE", "true");
      env.put("SECKILL_EVENT_LOOPS", "2");
      RunningService gateway = io.seckill.gateway.Main.start(Env.of(env)).await();
      return new WebSystem(stock, consumer, gateway);
    } catch (Exception | Error e) {
      new WebSystem(stock, consumer, null).close();
      throw e;
    }
  }

  String url(RunningService service) {
    return "http://127.0.0.1:" + service.httpPort();
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
