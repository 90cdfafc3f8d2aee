package io.seckill.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The randomized run's shoppers: distinct users started at a paced rate (an open model), each running a short
 * script drawn from its own seeded {@link Random} — buy (half with an Idempotency-Key), retry after a 5xx or no
 * answer (same key, a new key, or none), read the order until it leaves QUEUED, then pay (sometimes delivered
 * twice), cancel, or walk away so the payment timeout cancels it; a sold-out shopper sometimes comes back later.
 * Bounded in count and in time: no shopper starts after {@link #stop} (or the maximum window) and no step starts
 * after the grace that follows.
 */
final class ChaosWorkload {
  private static final int MAX_RETRIES = 3;
  private static final int MAX_POLLS = 12;

  private final ShopperClient client;
  private final long seed;
  private final int perSecond;
  private final int threads;
  private volatile long lastStart;
  private volatile long hardEnd;

  ChaosWorkload(ShopperClient client, long seed, int perSecond, int threads) {
    this.client = client;
    this.seed = seed;
    this.perSecond = perSecond;
    this.threads = threads;
  }

  /**
   * Starts shoppers (at most for {@code maxWindow}) until {@link #stop}; completes when every started shopper is
   * done.
   */
  CompletableFuture<Integer> start(Duration maxWindow) {
    long start = System.nanoTime();
    lastStart = start + maxWindow.toNanos();
    hardEnd = lastStart + TimeUnit.SECONDS.toNanos(30);
    long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
    int slots = (int) (maxWindow.toNanos() / interval);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "chaos-shopper");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger started = new AtomicInteger();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      int index = i;
      all.add(CompletableFuture.runAsync(() -> {
        // Load pacing, not a test synchronisation: shopper i starts at start + i * interval (or late, if all threads are busy).
        long startAt = start + index * interval;
        long now;
        while ((now = System.nanoTime()) < startAt && now < lastStart) {
          LockSupport.parkNanos(Math.min(startAt - now, TimeUnit.MILLISECONDS.toNanos(100))); // re-reads lastStart after a stop
        }
        if (System.nanoTime() < lastStart) {
          started.incrementAndGet();
          new Script("chaos-" + index, new Random(seed * 1_000_003L + index)).run();
        }
      }, pool));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
      pool.shutdownNow();
      if (failure != null) {
        throw new IllegalStateException("a shopper script failed", failure);
      }
      return started.get();
    });
  }

  /** No shopper starts from now on, and no step of a running one starts after {@code grace}. */
  void stop(Duration grace) {
    long now = System.nanoTime();
    lastStart = Math.min(lastStart, now);
    hardEnd = Math.min(hardEnd, now + grace.toNanos());
  }

  /** One shopper's script. Each step first checks the hard end, so the run stays bounded whatever the faults do. */
  private final class Script {
    private final String shopper;
    private final Random random;
    private int keys;

    Script(String shopper, Random random) {
      this.shopper = shopper;
      this.random = random;
    }

    void run() {
      String orderId = purchase("first");
      if (orderId == null && random.nextDouble() < 0.3 && pause(2000, 6000)) {
        // Units come back through cancels and payment timeouts: a sold-out shopper tries again.
        orderId = purchase("later");
      }
      if (orderId == null) {
        return;
      }
      String status = pollUntilPersisted(orderId);
      if (!"PENDING_PAYMENT".equals(status)) {
        return;
      }
      double choice = random.nextDouble();
      if (choice < 0.45) {
        pay(orderId, choice < 0.05 ? 11_000 : 0);
      } else if (choice < 0.7) {
        cancel(orderId);
      }
      // else: walks away; the payment timeout cancels the order.
    }

    /** A purchase and its retries; returns the order some answer named, or null. */
    private String purchase(String attempt) {
      String key = random.nextBoolean() ? newKey() : null;
      History.Op answer = client.buy(shopper, attempt, key);
      String orderId = answer.namesOrder() ? answer.orderId() : null;
      for (int retry = 0; retry < MAX_RETRIES && retryable(answer) && pause(300, 1500); retry++) {
        double how = random.nextDouble();
        String retryKey;
        String retryAttempt;
        if (key != null && how < 0.5) {
          retryKey = key;
          retryAttempt = "retry same key";
        } else if (how < 0.75) {
          retryKey = newKey();
          retryAttempt = "retry new key";
        } else {
          retryKey = null;
          retryAttempt = "retry no key";
        }
        answer = client.buy(shopper, retryAttempt, retryKey);
        if (answer.namesOrder()) {
          orderId = answer.orderId();
        }
      }
      return orderId;
    }

    private boolean retryable(History.Op answer) {
      return answer.status() == 0 || answer.status() >= 500;
    }

    private String pollUntilPersisted(String orderId) {
      String status = null;
      for (int poll = 0; poll < MAX_POLLS && pause(300, 900); poll++) {
        History.Op read = client.read(shopper, orderId);
        if (read.status() == 200 && read.orderStatus() != null) {
          status = read.orderStatus();
          if (!"QUEUED".equals(status)) {
            return status;
          }
        }
      }
      return status;
    }

    private void pay(String orderId, int lateMs) {
      if (!pause(lateMs, lateMs + 2000)) {
        return;
      }
      String paymentId = "pay-" + shopper + "-" + random.nextInt(1_000_000);
      History.Op paid = client.pay(shopper, orderId, paymentId, "first");
      // The provider redelivers what got no 2xx, and sometimes what did.
      for (int redelivery = 0; redelivery < MAX_RETRIES && (paid.status() != 200 || random.nextDouble() < 0.1)
          && pause(500, 1500); redelivery++) {
        paid = client.pay(shopper, orderId, paymentId, "redelivery");
        if (paid.status() == 200) {
          break;
        }
      }
      if (pause(200, 1000)) {
        client.read(shopper, orderId);
      }
    }

    private void cancel(String orderId) {
      if (!pause(0, 2000)) {
        return;
      }
      History.Op cancelled = client.cancel(shopper, orderId, "first");
      for (int retry = 0; retry < MAX_RETRIES && (cancelled.status() == 0 || cancelled.status() >= 500)
          && pause(500, 1500); retry++) {
        cancelled = client.cancel(shopper, orderId, "retry");
      }
      if (pause(200, 1000)) {
        client.read(shopper, orderId);
      }
    }

    private String newKey() {
      return shopper + "-k" + (++keys) + "-" + Integer.toHexString(random.nextInt());
    }

    /** Waits a random while (workload pacing); false when that would pass the hard end, so the script stops. */
    private boolean pause(int minMs, int maxMs) {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(minMs + random.nextInt(Math.max(1, maxMs - minMs)));
      if (until > hardEnd) {
        return false;
      }
      pauseUntil(until);
      return true;
    }
  }

  private static void pauseUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
