package io.seckill.cluster;

import io.seckill.testing.SeckillSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.seckill.common.RunningService;
import io.seckill.infra.Invariants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways and two consumers (one group, a 4-partition topic) on one sale under concurrent load
 * spread over both gateways; mid-sale one consumer stops (its partitions move to the other) and a
 * new one starts (they move again). Against the plain single Redis.
 */
class ManyInstancesTest {
  private static SeckillSystem services;

  @BeforeAll
  static void startTwoOfEach() throws Exception {
    services = SeckillSystem.start("instances", Map.of("SECKILL_REDIS_URL", io.seckill.infra.LocalInfra.shared().redisUrl(),
        // A consumer joining or leaving rebalances within seconds, not the 45 s default.
        "SECKILL_CONSUMER_SESSION_TIMEOUT_MS", "6000", "SECKILL_CONSUMER_THREADS", "2",
        // The shoppers all come from 127.0.0.1: the per-IP bucket must not be what refuses them.
        "SECKILL_RATE_IP_PER_S", "1000000", "SECKILL_RATE_IP_BURST", "1000000",
        "SECKILL_RECONCILE_INTERVAL_MS", "3600000"), 4, 2, 2);
  }

  @AfterAll
  static void stopAll() {
    if (services != null) {
      services.close();
    }
  }

  @Test
  void everyAdmittedOrderIsPersistedOnceWithoutOversellWhileConsumersLeaveAndJoinTheGroup() throws Exception {
    int units = 240;
    long saleId = services.createOpenSale(units);
    List<RunningService> gateways = List.copyOf(services.gateways());
    RunningService leaving = services.consumers().get(0);
    // Overlapping waves: each wave brings new shoppers and retries half of the previous wave's.
    List<List<String>> waves = List.of(
        ShopperRush.users("shopper", 0, 150),
        ShopperRush.users("shopper", 75, 225),
        ShopperRush.users("shopper", 150, 300));

    List<ShopperRush.Attempt> attempts = ShopperRush.rush(services, saleId, waves,
        n -> gateways.get(n % gateways.size()), wave -> {
          if (wave == 1) {
            services.stopConsumer(leaving);
            // The survivor's two poll loops now hold all four partitions.
            await().atMost(Duration.ofSeconds(30)).until(this::partitionsPerMember, List.of(2, 2)::equals);
          } else {
            services.startConsumer();
            // The newcomer's loops took two of them back: four members, one partition each.
            await().atMost(Duration.ofSeconds(30)).until(this::partitionsPerMember, List.of(1, 1, 1, 1)::equals);
          }
        });

    Set<String> admitted = ShopperRush.admittedOrderIds(attempts);
    assertThat(admitted).hasSize(units);
    Map<String, Long> admissionsPerShopper = attempts.stream().filter(a -> a.status() == 202)
        .collect(Collectors.groupingBy(ShopperRush.Attempt::user, Collectors.counting()));
    assertThat(admissionsPerShopper.values()).as("one admission per shopper").allMatch(n -> n == 1);
    assertThat(ShopperRush.statusCounts(attempts).keySet()).isSubsetOf(202, 200, 409);
    assertThat(services.consumers()).hasSize(2).doesNotContain(leaving);

    SaleRows rows = new SaleRows(services.pgUrl());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(rows.statuses(saleId)).containsOnlyKeys(admitted));
    List<String> doubled = new ArrayList<>();
    for (String orderId : admitted) {
      if (rows.rowsOf(orderId) != 1) {
        doubled.add(orderId);
      }
    }
    assertThat(doubled).as("orders persisted more or less than once").isEmpty();
    assertThat(rows.statuses(saleId).values()).containsOnly("PENDING_PAYMENT");
    assertThat(rows.remaining(saleId)).isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      Invariants.Report report = Invariants.check(services.pgUrl(), io.seckill.infra.LocalInfra.shared().redisUrl(), saleId, admitted);
      assertThat(report.holds()).as(report.toString()).isTrue();
      assertThat(report.inFlight()).as(report.toString()).isZero();
    });
  }

  private List<Integer> partitionsPerMember() {
    return GroupAssignment.partitionsPerMember(services.infra().kafkaBootstrap(), services.consumerGroup()).stream()
        .sorted().toList();
  }
}
