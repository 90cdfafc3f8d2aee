package io.seckill.cluster;

import io.seckill.testing.SeckillSystem;

import io.seckill.common.RunningService;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Many shoppers pressing "buy" at once, each a few times, spread round-robin over the given gateways. */
final class ShopperRush {
  record Attempt(String user, int status, String orderId) {
  }

  private ShopperRush() {
  }

  /**
   * Runs the waves one after the other, each wave's shoppers all at once.
   *
   * @param gatewayOfAttempt which gateway the n-th attempt goes to (spreads load over instances)
   * @param duringWave       run concurrently with wave n (n >= 1), e.g. stopping or starting a consumer
   */
  static List<Attempt> rush(SeckillSystem services, long saleId, List<List<String>> waves,
                            IntFunction<RunningService> gatewayOfAttempt, IntConsumer duringWave) throws Exception {
    List<Attempt> all = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(48);
    ExecutorService side = Executors.newSingleThreadExecutor();
    int n = 0;
    try {
      for (int wave = 0; wave < waves.size(); wave++) {
        int w = wave;
        Future<?> sideTask = wave == 0 ? null : side.submit(() -> duringWave.accept(w));
        List<Future<?>> inFlight = new ArrayList<>();
        for (String user : waves.get(wave)) {
          RunningService gateway = gatewayOfAttempt.apply(n++);
          inFlight.add(pool.submit(() -> {
            HttpResponse<String> answer = services.buy(gateway, saleId, user);
            String orderId = answer.statusCode() == 202 || answer.statusCode() == 200
                ? new JsonObject(answer.body()).getString("orderId") : null;
            all.add(new Attempt(user, answer.statusCode(), orderId));
            return null;
          }));
        }
        for (Future<?> attempt : inFlight) {
          attempt.get(60, TimeUnit.SECONDS);
        }
        if (sideTask != null) {
          sideTask.get(60, TimeUnit.SECONDS);
        }
      }
    } finally {
      pool.shutdownNow();
      side.shutdownNow();
    }
    return List.copyOf(all);
  }

  /** Shoppers prefix-from .. prefix-(to - 1). */
  static List<String> users(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + "-" + i).toList();
  }

  static Set<String> admittedOrderIds(List<Attempt> attempts) {
    return attempts.stream().filter(a -> a.status() == 202).map(Attempt::orderId).collect(Collectors.toSet());
  }

  static Map<Integer, Long> statusCounts(List<Attempt> attempts) {
    return attempts.stream().collect(Collectors.groupingBy(Attempt::status, Collectors.counting()));
  }
}
