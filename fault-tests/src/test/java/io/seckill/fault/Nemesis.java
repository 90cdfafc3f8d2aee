package io.seckill.fault;

import static org.awaitility.Awaitility.await;

import io.seckill.infra.FaultProxy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Breaks the randomized run's system one fault at a time, Jepsen style: every round it waits a calm spell,
 * draws a fault with its seeded {@link Random}, injects it, holds it a random short while, and heals it before
 * the next. Every fault is logged with the history's clock. Runs on the caller's thread; {@link #healAll()}
 * undoes whatever is still in force (the test calls it before the verdict, whatever happened).
 */
final class Nemesis {
  enum Fault {
    CONSUMER_KILL, GATEWAY_KILL, FORCED_WARMUP, REDIS_FLUSH, REDIS_STALL, PG_STALL, KAFKA_ACK_HELD
  }

  /** One fault as injected: when (history clock, ms), what, and what it did. */
  record Event(long injectedMs, long healedMs, Fault fault, String detail) {
    @Override
    public String toString() {
      return String.format("%6d..%6d ms %-14s %s", injectedMs, healedMs, fault, detail);
    }
  }

  private final FaultStack stack;
  private final DedicatedRedis redis;
  private final long saleId;
  private final Map<String, String> gatewayEnv;
  private final List<Fault> faults;
  private final Random random;
  private final History clock;
  private final List<Event> events = new ArrayList<>();
  private final ProxiedLinks links;
  private ServiceProcess consumer;
  private Runnable heal;
  private Fault active;
  private long activeSince;
  private String activeDetail;

  /**
   * The proxies the PostgreSQL and Kafka faults act on.
   *
   * @param postgres        between every service and PostgreSQL
   * @param gatewayKafka    between the gateway and the broker's proxied listener
   * @param deliveryTimeout the gateway's SECKILL_KAFKA_DELIVERY_TIMEOUT_MS: an ack is held longer than this
   */
  record ProxiedLinks(FaultProxy postgres, FaultProxy gatewayKafka, Duration deliveryTimeout) {
  }

  Nemesis(FaultStack stack, DedicatedRedis redis, long saleId, ServiceProcess consumer, Map<String, String> gatewayEnv,
          ProxiedLinks links, List<Fault> faults, long seed, History clock) {
    this.stack = stack;
    this.redis = redis;
    this.saleId = saleId;
    this.consumer = consumer;
    this.gatewayEnv = gatewayEnv;
    this.links = links;
    this.faults = List.copyOf(faults);
    this.random = new Random(seed);
    this.clock = clock;
  }

  /**
   * {@code rounds} calm spells, each followed by one fault held a while and healed. Faults are drawn from a
   * seeded shuffle of every kind, refilled when empty, so a short run still meets each kind once.
   */
  void run(int rounds) throws Exception {
    List<Fault> bag = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      pace(1000, 3000);
      if (bag.isEmpty()) {
        bag.addAll(faults);
        Collections.shuffle(bag, random);
      }
      Fault fault = bag.remove(bag.size() - 1);
      inject(fault);
      if (heal != null) {
        pace(1000, 4000);
        healAll();
      }
    }
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  private void inject(Fault fault) throws Exception {
    active = fault;
    activeSince = clock.now();
    activeDetail = "";
    switch (fault) {
      case CONSUMER_KILL -> {
        ServiceProcess killed = consumer;
        killed.kill9();
        activeDetail = "SIGKILL " + killed + ", restarted";
        heal = () -> consumer = stack.startConsumer();
      }
      case GATEWAY_KILL -> {
        ServiceProcess killed = stack.gateway();
        killed.kill9();
        activeDetail = "SIGKILL " + killed + ", restarted on the same port";
        heal = () -> stack.startGateway(gatewayEnv);
      }
      case FORCED_WARMUP -> {
        activeDetail = "POST warmup?force=true mid-sale: " + warmup();
        done();
      }
      case REDIS_FLUSH -> {
        redis.flushAll();
        activeDetail = "FLUSHALL on the dedicated redis-server, then the operator's forced warm-up";
        heal = () -> activeDetail += ": " + warmup();
      }
      case REDIS_STALL -> {
        redis.pause();
        activeDetail = "SIGSTOP redis-server, then SIGCONT";
        heal = () -> {
          try {
            redis.resume();
          } catch (Exception e) {
            throw new IllegalStateException("SIGCONT of redis-server failed", e);
          }
        };
      }
      case PG_STALL -> {
        links.postgres().blackHole();
        activeDetail = "PostgreSQL black-holed for every service (FaultProxy), then pass";
        heal = () -> links.postgres().pass();
      }
      case KAFKA_ACK_HELD -> {
        Duration hold = links.deliveryTimeout().plusMillis(1000 + random.nextInt(2000));
        links.gatewayKafka().holdResponses(hold);
        activeDetail = "gateway->Kafka responses held " + hold.toMillis() + " ms (delivery timeout "
            + links.deliveryTimeout().toMillis() + " ms), then pass";
        heal = () -> links.gatewayKafka().pass();
        // The acks must come later than the gateway's deadline for this fault to mean anything.
        pace((int) hold.toMillis(), (int) hold.toMillis() + 500);
      }
      default -> throw new IllegalArgumentException("unknown fault " + fault);
    }
  }

  /** Heals the fault in force, if any. */
  void healAll() {
    if (heal != null) {
      Runnable healing = heal;
      heal = null;
      healing.run();
      done();
    }
  }

  private void done() {
    events.add(new Event(activeSince, clock.now(), active, activeDetail));
    System.out.println("nemesis: " + events.get(events.size() - 1));
    active = null;
  }

  /** The operator's forced warm-up, retried while stock-service cannot do it yet (e.g. Redis reconnecting). */
  private String warmup() {
    StringBuilder answers = new StringBuilder();
    await("forced warm-up of sale " + saleId).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> {
          HttpResponse<String> answer = stack.warmup(saleId, true);
          answers.append(answers.length() == 0 ? "" : ", ").append(answer.statusCode());
          return answer.statusCode() == 200;
        });
    return "answered " + answers;
  }

  /** Nemesis pacing (a schedule, not a wait for a condition). */
  private void pace(int minMs, int maxMs) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(minMs + random.nextInt(Math.max(1, maxMs - minMs)));
    long wait;
    while ((wait = until - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
