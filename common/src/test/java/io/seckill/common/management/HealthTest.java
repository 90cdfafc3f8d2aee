package io.seckill.common.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void concurrentAndRepeatedProbesWithinTheIntervalShareOneDependencyCheck() throws Exception {
    AtomicLong clock = new AtomicLong();
    AtomicInteger checks = new AtomicInteger();
    Promise<Void> answer = Promise.promise();
    Health health = new Health(5_000, 1_000, clock::get).check("redis", () -> {
      checks.incrementAndGet();
      return answer.future();
    });

    // 64 probes from 8 threads while the first check is still in flight: they all wait on that one.
    List<Future<JsonObject>> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService probes = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 64; i++) {
      probes.execute(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        waiting.add(health.ready(vertx));
      });
    }
    go.countDown();
    probes.shutdown();
    assertThat(probes.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(waiting).hasSize(64).noneMatch(Future::isComplete);
    answer.complete();
    await().atMost(WAIT).until(() -> waiting.stream().allMatch(Future::isComplete));
    assertThat(waiting).allMatch(f -> "UP".equals(f.result().getString("status")));

    // Later probes inside the interval reuse the verdict.
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
    for (int i = 0; i < 100; i++) {
      assertThat(health.ready(vertx).await().getString("status")).isEqualTo("UP");
    }
    assertThat(checks).as("dependency checks within one interval").hasValue(1);

    // Past the interval, the next probe runs one new check.
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    health.ready(vertx).await();
    health.ready(vertx).await();
    assertThat(checks).as("dependency checks after the interval").hasValue(2);
  }

  @Test
  void aFailedDependencyIsNamedDownWithAReasonWordAndNoneOfItsErrorText() {
    Health health = new Health(5_000, 0)
        .check("redis", () -> Future.failedFuture(new IllegalStateException(
            "Connection refused: redis-0.redis.seckill.svc.cluster.local/10.0.3.7:6379")))
        .check("postgres", Future::succeededFuture)
        .check("warm-up", () -> Health.notReady("warming-up", "warming up: 1200 of 20000 requests sent"));

    JsonObject body = health.ready(vertx).await();

    assertThat(body.getString("status")).isEqualTo("DOWN");
    JsonObject checks = body.getJsonObject("checks");
    assertThat(checks.getJsonObject("redis")).isEqualTo(new JsonObject().put("status", "DOWN").put("reason", "unavailable"));
    assertThat(checks.getJsonObject("postgres")).isEqualTo(new JsonObject().put("status", "UP"));
    assertThat(checks.getJsonObject("warm-up")).isEqualTo(new JsonObject().put("status", "DOWN").put("reason", "warming-up"));
    assertThat(body.encode()).doesNotContain("refused", "redis-0", "10.0.3.7", "6379", "IllegalStateException", "1200");
  }

  @Test
  void aCheckThatNeverAnswersIsDownForTimeoutWithinTheBound() {
    Health health = new Health(200, 0).check("kafka", () -> Promise.promise().future());

    long start = System.nanoTime();
    JsonObject body = health.ready(vertx).await();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(body.getJsonObject("checks").getJsonObject("kafka"))
        .isEqualTo(new JsonObject().put("status", "DOWN").put("reason", "timeout"));
  }

  @Test
  void withNoCacheIntervalEveryProbeAfterACompletedCheckRunsANewOne() {
    AtomicInteger checks = new AtomicInteger();
    Health health = new Health(1_000, 0).check("redis", () -> {
      checks.incrementAndGet();
      return Future.succeededFuture();
    });
    List<JsonObject> bodies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bodies.add(health.ready(vertx).await());
    }
    assertThat(checks).hasValue(3);
    assertThat(bodies).allMatch(body -> "UP".equals(body.getString("status")));
  }
}
