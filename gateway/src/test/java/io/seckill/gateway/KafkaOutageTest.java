package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import io.seckill.infra.KafkaBroker;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** A Kafka broker dying mid-burst: every attempt is admitted (202) or refused with 503, and no unit leaks. */
class KafkaOutageTest {

  @Test
  void kafkaOutageDuringABurstReleasesEveryUnacknowledgedReservationAndAnswers503() throws Exception {
    KafkaBroker broker = GatewayHarnessBroker.broker();
    // The request deadline well above the delivery bound: this test is about the failed send's 503, not the 504.
    try (GatewayHarness gw = new GatewayHarness(Map.of("SECKILL_KAFKA_DELIVERY_TIMEOUT_MS", "2000",
        "SECKILL_KAFKA_REQUEST_TIMEOUT_MS", "1000", "SECKILL_KAFKA_MAX_BLOCK_MS", "200",
        "SECKILL_REQUEST_TIMEOUT_MS", "10000"))) {
      int initial = 500;
      long saleId = gw.seedOpenSale(initial, 1);
      String path = "/api/v1/sales/" + saleId + "/orders";
      Set<String> admitted = new HashSet<>();
      List<String> refusedShoppers = new ArrayList<>();
      AtomicInteger shopper = new AtomicInteger();

      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      List<String> burstShoppers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String user = "outage-" + shopper.incrementAndGet();
        burstShoppers.add(user);
        burst.add(gw.postJsonAsync(path, user, "{\"quantity\":1}"));
      }
      broker.stop();
      try {
        for (int i = 0; i < 20; i++) {
          String user = "outage-" + shopper.incrementAndGet();
          burstShoppers.add(user);
          burst.add(gw.postJsonAsync(path, user, "{\"quantity\":1}"));
        }
        CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      } finally {
        broker.restart();
      }
      for (int i = 0; i < burst.size(); i++) {
        HttpResponse<String> answer = burst.get(i).join();
        assertThat(answer.statusCode()).as(answer.body()).isIn(202, 503);
        if (answer.statusCode() == 202) {
          admitted.add(new JsonObject(answer.body()).getString("orderId"));
        } else {
          assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("UNAVAILABLE");
          assertThat(answer.headers().firstValue("Retry-After")).isPresent();
          refusedShoppers.add(burstShoppers.get(i));
        }
      }
      assertThat(refusedShoppers).as("requests sent after the broker stopped").isNotEmpty();
      try (Jedis redis = gw.jedis()) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(Long.parseLong(redis.get(Bucket.root(saleId).stock())) + admitted.size()).isEqualTo(initial));
        for (String user : refusedShoppers) {
          assertThat(redis.hget(Bucket.root(saleId).buyers(), user)).as("refused shopper %s may buy again", user).isNull();
        }
      }

      // Kafka is back: admission resumes without restarting the gateway.
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        HttpResponse<String> answer = gw.postJson(path, "after-" + shopper.incrementAndGet(), "{\"quantity\":1}");
        assertThat(answer.statusCode()).as(answer.body()).isIn(202, 503);
        if (answer.statusCode() == 202) {
          admitted.add(new JsonObject(answer.body()).getString("orderId"));
        }
        assertThat(answer.statusCode()).isEqualTo(202);
      });
      assertThat(gw.redisStock(saleId) + admitted.size()).isEqualTo(initial);
      Invariants.Report report = Invariants.check(gw.pgUrl, gw.infra.redisUrl(), saleId, admitted);
      assertThat(report.oversold()).isZero();
      assertThat(report.duplicateShoppers()).isZero();
      assertThat(report.drift()).isZero();
      assertThat(report.inFlight()).isEqualTo(admitted.size());
    } finally {
      broker.restart();
    }
  }

  /** The shared in-process broker (this test needs to stop it, so Kafka must not be an external one). */
  static final class GatewayHarnessBroker {
    static KafkaBroker broker() {
      KafkaBroker broker = io.seckill.infra.LocalInfra.shared().kafkaBroker();
      org.junit.jupiter.api.Assumptions.assumeTrue(broker != null, "Kafka is external; cannot stop it");
      return broker;
    }
  }
}
