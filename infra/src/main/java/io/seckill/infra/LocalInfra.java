package io.seckill.infra;

import io.seckill.common.db.PgUrls;
import io.seckill.common.db.SchemaMigrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis, PostgreSQL and Kafka for tests and for the local launcher: one shared piece of code.
 *
 * <p>Each service is resolved in the order docs/architecture.md gives — the URL in its environment
 * variable, else the server on its standard local port, else one started here. Kafka is always a
 * real in-process KRaft broker. {@link #shared()} gives one instance per JVM, stopped at exit.
 */
public final class LocalInfra implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalInfra.class);
  private static final AtomicLong NAMES = new AtomicLong(System.currentTimeMillis() % 1_000_000L * 1000L);
  private static LocalInfra shared;

  private final Resolved<String> redis;
  private final Resolved<String> postgres;
  private final KafkaBroker kafka;
  private final String kafkaBootstrap;

  private LocalInfra(Resolved<String> redis, Resolved<String> postgres, KafkaBroker kafka, String kafkaBootstrap) {
    this.redis = redis;
    this.postgres = postgres;
    this.kafka = kafka;
    this.kafkaBootstrap = kafkaBootstrap;
  }

  /** Resolves everything from the given environment (normally {@code System.getenv()}). */
  public static LocalInfra start(Map<String, String> env) {
    Resolved<String> redis = RedisResolver.resolve(env.get("SECKILL_REDIS_URL"));
    Resolved<String> postgres = PostgresResolver.resolve(env.get("SECKILL_PG_URL"));
    String configuredKafka = env.get("SECKILL_KAFKA_BOOTSTRAP");
    KafkaBroker broker = configuredKafka == null || configuredKafka.isBlank() ? KafkaBroker.start() : null;
    LocalInfra infra = new LocalInfra(redis, postgres, broker,
        broker == null ? configuredKafka : broker.bootstrapServers());
    LOG.info("infra: redis {} ({}), postgres {} ({}), kafka {}", redis.value(), redis.description(),
        postgres.value(), postgres.description(), infra.kafkaBootstrap);
    return infra;
  }

  /** One instance per test JVM, stopped when the JVM exits. */
  public static synchronized LocalInfra shared() {
    if (shared == null) {
      shared = start(System.getenv());
      LocalInfra toClose = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(toClose::close, "seckill-infra-stop"));
    }
    return shared;
  }

  public String redisUrl() {
    return redis.value();
  }

  public String redisDescription() {
    return redis.description();
  }

  /** Admin URL of the PostgreSQL server (database {@code postgres}). */
  public String postgresUrl() {
    return postgres.value();
  }

  public String postgresDescription() {
    return postgres.description();
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** The in-process broker, for tests that stop and restart it; null when Kafka was configured. */
  public KafkaBroker kafkaBroker() {
    return kafka;
  }

  /** A unique name for a test's database, topic or consumer group. */
  public static String uniqueName(String prefix) {
    return prefix + "_" + NAMES.incrementAndGet();
  }

  /** A sale id no other test in any JVM on this machine will use against the shared Redis. */
  public static long uniqueSaleIdBase() {
    return (System.currentTimeMillis() % 100_000_000L) * 1000L + NAMES.incrementAndGet() % 1000L;
  }

  /** Creates a fresh, empty database on the resolved server and returns its {@code postgresql://} URL. */
  public String createDatabase(String prefix) {
    String name = uniqueName(prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_"));
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(postgres.value()));
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
    }
    return PgUrls.withDatabase(postgres.value(), name);
  }

  /**
   * A fresh database with the Seckill schema, whose sale ids start at a base no other test on this
   * machine uses, so sales created through stock-service never collide in a shared Redis.
   */
  public String createSeckillDatabase(String prefix) {
    String url = createDatabase(prefix);
    SchemaMigrator.migrate(url);
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(url));
         Statement s = c.createStatement()) {
      s.execute("ALTER TABLE sale ALTER COLUMN sale_id RESTART WITH " + uniqueSaleIdBase());
    } catch (SQLException e) {
      throw new IllegalStateException("could not prepare database " + url + ": " + e.getMessage(), e);
    }
    return url;
  }

  /** Creates a topic with the given partitions on the broker (idempotent). */
  public String createTopic(String name, int partitions) {
    KafkaAdmin.createTopic(kafkaBootstrap, name, partitions);
    return name;
  }

  @Override
  public synchronized void close() {
    List<Runnable> stops = new ArrayList<>();
    if (kafka != null) {
      stops.add(kafka::close);
    }
    stops.add(() -> stopQuietly(postgres));
    stops.add(() -> stopQuietly(redis));
    stops.forEach(Runnable::run);
  }

  private static void stopQuietly(Resolved<?> resolved) {
    try {
      resolved.stopper().stop();
    } catch (Exception e) {
      LOG.warn("could not stop {}: {}", resolved.description(), e.getMessage());
    }
  }
}
