package io.seckill.fault;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Many distinct shoppers buying one unit each through the gateway, from a bounded pool of threads,
 * bounded in count and in time. Every answer is tallied; every 202's orderId is kept as acknowledged.
 * One instance collects the answers of all of a scenario's phases.
 */
final class BuyerLoad {
  private final FaultStack stack;
  private final long saleId;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
      .executor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fault-http");
        t.setDaemon(true);
        return t;
      })).build();
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // orderId -> userId
  private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();

  BuyerLoad(FaultStack stack, long saleId) {
    this.stack = stack;
    this.saleId = saleId;
  }

  /** One phase's tally: answers by status ("202", "409 SOLD_OUT", "503 UNAVAILABLE", "io" for no answer). */
  record Phase(String name, Map<String, Integer> answers, int accepted) {
    int count(String key) {
      return answers.getOrDefault(key, 0);
    }

    int total() {
      return answers.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * Runs {@code users} through {@code threads} workers, paced at {@code perSecond} purchase starts a
   * second, stopping early at {@code bound}. Returns when every started purchase has its answer.
   */
  Phase run(String phase, List<String> users, int threads, int perSecond, Duration bound) {
    return runAsync(phase, users, threads, perSecond, bound).join();
  }

  CompletableFuture<Phase> runAsync(String phase, List<String> users, int threads, int perSecond, Duration bound) {
    Map<String, AtomicInteger> tally = new ConcurrentHashMap<>();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    long deadline = start + bound.toNanos();
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "fault-buyer-" + phase);
      t.setDaemon(true);
      return t;
    });
    CompletableFuture<?>[] workers = new CompletableFuture<?>[threads];
    for (int w = 0; w < threads; w++) {
      workers[w] = CompletableFuture.runAsync(() -> {
        int i;
        while ((i = next.getAndIncrement()) < users.size()) {
          // Load pacing (an open-model schedule), not a test synchronisation: purchase i starts at start + i * interval.
          long startAt = start + i * intervalNanos;
          long wait;
          while ((wait = startAt - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          if (System.nanoTime() > deadline) {
            return;
          }
          String answer = buyOnce(users.get(i));
          if (answer.equals("202")) {
            accepted.incrementAndGet();
          }
          tally.computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
          answers.computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
        }
      }, pool);
    }
    return CompletableFuture.allOf(workers).handle((done, failure) -> {
      pool.shutdownNow();
      Map<String, Integer> counts = new TreeMap<>();
      tally.forEach((k, v) -> counts.put(k, v.get()));
      return new Phase(phase, counts, accepted.get());
    });
  }

  private String buyOnce(String user) {
    requests.incrementAndGet();
    try {
      HttpResponse<String> response = stack.buy(client, saleId, user);
      int status = response.statusCode();
      if (status == 202) {
        acknowledged.put(new JsonObject(response.body()).getString("orderId"), user);
        return "202";
      }
      if (status == 200) {
        return "200 duplicate";
      }
      String code = "";
      try {
        code = " " + new JsonObject(response.body()).getString("code", "");
      } catch (RuntimeException notJson) {
        // keep the bare status
      }
      return status + code;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "io";
    } catch (Exception e) {
      return "io"; // no answer: connection refused or reset (a dead gateway), or a timeout
    }
  }

  static List<String> shoppers(String prefix, int from, int count) {
    return java.util.stream.IntStream.range(from, from + count).mapToObj(i -> prefix + "-" + i).toList();
  }

  Set<String> acknowledgedOrderIds() {
    return Set.copyOf(acknowledged.keySet());
  }

  Map<String, String> acknowledgedOrders() {
    return Map.copyOf(acknowledged);
  }

  long requests() {
    return requests.get();
  }

  /** All phases' answers, e.g. {@code 202=310, 409 SOLD_OUT=90, 503 UNAVAILABLE=40}. */
  String answerSummary() {
    Map<String, Integer> counts = new TreeMap<>();
    answers.forEach((k, v) -> counts.put(k, v.get()));
    return counts.toString();
  }
}
