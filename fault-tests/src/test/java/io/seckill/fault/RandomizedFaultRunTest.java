package io.seckill.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.infra.FaultProxy;
import io.seckill.infra.KafkaBroker;
import io.seckill.infra.LocalInfra;
import io.seckill.infra.Ports;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The randomized fault run (docs/guarantees.md): many shoppers buy, retry, read, cancel and pay while a seeded
 * {@link Nemesis} breaks one thing at a time; every request and answer goes into a {@link History}; once every
 * fault is healed and the system is quiet, the {@link HistoryChecker} holds the history against PostgreSQL and
 * Redis. {@code CHAOS_SEED} and {@code CHAOS_ROUNDS} (environment, or {@code -Dchaos.seed} / {@code -Dchaos.rounds})
 * make a run repeatable and longer; the defaults keep it under three minutes on two cores.
 */
class RandomizedFaultRunTest {
  static final long DEFAULT_SEED = 16_2026L;
  static final int DEFAULT_ROUNDS = 10;
  private static final int STOCK = 80;
  private static final int PAYMENT_TIMEOUT_S = 10;
  private static final int SHOPPERS_PER_S = 6;
  private static final String SCENARIO = "randomized";

  @Test
  void shoppersHistoryUnderRandomFaultsAgreesWithTheDatabaseAndRedis() throws Exception {
    long seed = setting("CHAOS_SEED", "chaos.seed", DEFAULT_SEED);
    int rounds = (int) setting("CHAOS_ROUNDS", "chaos.rounds", DEFAULT_ROUNDS);
    System.out.printf("== randomized fault run: CHAOS_SEED=%d CHAOS_ROUNDS=%d (stock %d, payment timeout %d s)%n",
        seed, rounds, STOCK, PAYMENT_TIMEOUT_S);
    Instant startedAt = Instant.now();
    List<Nemesis.Fault> faults = List.of(Nemesis.Fault.values());
    URI postgres = URI.create(LocalInfra.shared().postgresUrl());
    int kafkaProxyPort = Ports.freePort();
    // Closed in reverse: the services stop before the proxies and the broker they use.
    try (DedicatedRedis redis = DedicatedRedis.start(Ports.freePort(), FaultPaths.log(SCENARIO, "redis-server"));
         KafkaBroker broker = KafkaBroker.startWithProxiedListener(kafkaProxyPort);
         FaultProxy kafkaProxy = FaultProxy.start("gateway-kafka", kafkaProxyPort, "127.0.0.1", broker.proxiedListenerPort());
         FaultProxy pgProxy = FaultProxy.start("postgres", postgres.getHost(), postgres.getPort() < 0 ? 5432 : postgres.getPort());
         FaultStack stack = FaultStack.create(SCENARIO, redis.url(), 4, broker)) {
      // Every service reaches PostgreSQL through the proxy; the checker reads it directly (stack.pgUrl).
      stack.with("SECKILL_PG_URL", pgProxy.route(stack.pgUrl));
      // Only the gateway produces through the proxied listener: its acks are what the nemesis holds back.
      Map<String, String> gatewayEnv = Map.of("SECKILL_KAFKA_BOOTSTRAP", broker.proxiedBootstrap());
      Nemesis.ProxiedLinks links = new Nemesis.ProxiedLinks(pgProxy, kafkaProxy,
          Duration.ofMillis(Long.parseLong(stack.env("SECKILL_KAFKA_DELIVERY_TIMEOUT_MS"))));
      stack.startStock();
      ServiceProcess consumer = stack.startConsumer();
      stack.startGateway(gatewayEnv);
      long saleId = stack.createOpenSale(STOCK, PAYMENT_TIMEOUT_S);

      History history = new History();
      Nemesis nemesis = new Nemesis(stack, redis, saleId, consumer, gatewayEnv, links, faults, seed, history);
      try (ShopperClient client = new ShopperClient(stack, saleId, history)) {
        ChaosWorkload workload = new ChaosWorkload(client, seed, SHOPPERS_PER_S, 48);
        CompletableFuture<Integer> shoppers = workload.start(Duration.ofSeconds(20L * rounds + 30));
        try {
          nemesis.run(rounds);
        } finally {
          nemesis.healAll();
          // No new shopper from here; those running get 5 s more, so the last fault's aftermath still meets traffic.
          workload.stop(Duration.ofSeconds(5));
        }
        int started = shoppers.get(60, TimeUnit.SECONDS);
        System.out.printf("== workload done at %d ms: %d shoppers, %d requests%n", history.now(), started,
            history.ops().size());
      }

      Verdict.Settled settled = Verdict.awaitQuiet(stack, saleId, history.acknowledged(), Duration.ofSeconds(60));
      HistoryChecker checker = new HistoryChecker(history, HistoryChecker.read(stack.pgUrl, saleId), settled);
      List<HistoryChecker.Result> results = checker.check();

      StringBuilder out = new StringBuilder();
      out.append(String.format("== seed %d, %d rounds, sale %d, %d units; faults injected (history clock):%n", seed,
          rounds, saleId, STOCK));
      nemesis.events().forEach(e -> out.append("  ").append(e).append('\n'));
      out.append("== answers by kind:\n");
      history.counts().forEach((kind, count) -> out.append(String.format("  %-45s %d%n", kind, count)));
      out.append("== checks:\n").append(checker.report(results, 5, 40));
      System.out.print(out);
      Path historyFile = FaultPaths.log(SCENARIO, "history");
      Files.write(historyFile, history.ops().stream().map(op -> op.shopper() + " " + op).toList());
      System.out.println("== the whole history: " + historyFile);

      long passed = results.stream().filter(HistoryChecker.Result::passed).count();
      List<Integer> failed = results.stream().filter(r -> !r.passed()).map(HistoryChecker.Result::number).toList();
      Map<Nemesis.Fault, Integer> injected = new TreeMap<>();
      nemesis.events().forEach(e -> injected.merge(e.fault(), 1, Integer::sum));
      Verdict.append(String.format("[%s] seed=%d rounds=%d faults=%s | requests=%d acked=%d | %d passed, %d failed%s | %d s",
          SCENARIO, seed, rounds, injected, history.ops().size(), history.acknowledged().size(), passed, failed.size(),
          failed.isEmpty() ? "" : " (checks " + failed + ")", Duration.between(startedAt, Instant.now()).toSeconds()));
      assertThat(failed).as("failed history checks (seed %d); the histories are printed above", seed).isEmpty();
    }
  }

  /** An environment variable, else a system property, else the default; printed, so a run can be repeated. */
  private static long setting(String env, String property, long fallback) {
    String value = System.getenv(env);
    if (value == null || value.isBlank()) {
      value = System.getProperty(property);
    }
    return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
  }
}
