package io.seckill.gateway.warmup;

import io.seckill.gateway.admission.OrderPublisher;
import io.seckill.common.auth.Jwt;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.RequestIds;
import io.seckill.common.warmup.WarmUpSales;
import io.seckill.common.warmup.JitSettling;
import io.seckill.common.warmup.WarmUpSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's start-up warm-up: after its HTTP server listens and before readiness says ready, it sends itself
 * synthetic shoppers over loopback HTTP, through the real router (JWT, body parsing, guards, admission, reserve.lua,
 * the Kafka hand-off, JSON answers), until the JIT has compiled that path; then it rehearses the Kafka hand-off alone,
 * one order per produce request ({@link HandOffRehearsal}), so the producer's per-request code is compiled too.
 * Measured: without it, C2 takes about half the gateway's CPU in the first seconds of a sale (docs/performance.md).
 *
 * <p>It touches no real sale and no shopper: three sales with fresh ids in the reserved range ({@link WarmUpSales}) —
 * one open with stock, one sold out, since most of a sale's requests are losers, and one not started yet, as a sale
 * is while its crowd knocks before the opening — synthetic shopper ids, orders
 * that {@link OrderPublisher} sends to the warm-up topic, rate-limiter keys of its own ({@link WarmUpPass}). When it
 * ends, the sales' Redis keys, the gateway's in-memory flags for them and the limiter buckets are removed.
 *
 * <p>Fail-open: whatever goes wrong (Redis or Kafka down at start), it is logged and readiness proceeds within
 * {@code SECKILL_WARMUP_MAX_MS}; a cold gateway is better than none.
 */
public final class WarmUpTraffic {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUpTraffic.class);
  private static final int CONCURRENCY = 64;
  private static final long REQUEST_TIMEOUT_MS = 5_000;
  private static final Buffer ONE_UNIT = Buffer.buffer("{\"quantity\":1}");

  /**
   * What one warm-up did (tests and the log): the HTTP requests and their answers, then the Kafka hand-offs
   * rehearsed alone ({@link HandOffRehearsal}) that Kafka acknowledged.
   */
  public record Report(int sent, Map<Integer, Integer> answers, int notStarted, int handOffs, long elapsedMs,
                       long openSaleId, long soldOutSaleId, long upcomingSaleId) {
    /** Every warm-up sale, for the gateway to forget. */
    public List<Long> saleIds() {
      return List.of(openSaleId, soldOutSaleId, upcomingSaleId);
    }
  }

  private final Vertx vertx;
  private final WarmUpSalesInRedis sales;
  private final OrderPublisher publisher;
  private final WarmUpSettings settings;
  private final JitSettling jit = JitSettling.ofThisJvm();
  private final Jwt jwt;
  private final WarmUpPass pass;
  private final long openSale = WarmUpSales.pick();
  private final long soldOutSale = WarmUpSales.pick();
  private final long upcomingSale = WarmUpSales.pick();
  private final String run = Long.toString(System.nanoTime() & 0xffffff, 36);
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicIntegerArray answers = new AtomicIntegerArray(600);
  private final AtomicInteger notStarted = new AtomicInteger();
  private final Set<String> orderIds = ConcurrentHashMap.newKeySet();
  private final Promise<Report> done = Promise.promise();
  private final HandOffRehearsal handOffs;
  private volatile boolean kafkaReady;
  private volatile boolean rehearsing;
  private volatile boolean cancelled;
  private long deadline;

  public WarmUpTraffic(Vertx vertx, WarmUpSalesInRedis sales, OrderPublisher publisher, WarmUpSettings settings, Jwt jwt,
                       WarmUpPass pass) {
    this.vertx = vertx;
    this.sales = sales;
    this.publisher = publisher;
    this.settings = settings;
    this.jwt = jwt;
    this.pass = pass;
    this.handOffs = new HandOffRehearsal(vertx, publisher, openSale, WarmUpSales.USER_PREFIX + run + "-kafka-");
  }

  /**
   * Completes when the warm-up is over, successful or not, and its Redis keys are gone; never fails. The gateway
   * then forgets the report's two sales and the synthetic shoppers' rate-limit buckets.
   */
  public Future<Report> done() {
    return done.future();
  }

  /** What readiness says while the warm-up runs. */
  public String progress() {
    return rehearsing ? settings.progress(handOffs.acknowledged(), "Kafka hand-offs")
        : settings.progress(next.get(), "requests");
  }

  /** Stops sending (the gateway is stopping); the clean-up still runs. */
  public void cancel() {
    cancelled = true;
  }

  public Future<Report> start(int port) {
    long started = System.nanoTime();
    deadline = started + TimeUnit.MILLISECONDS.toNanos(settings.maxMs());
    LOG.info("warm-up: {} requests (at most {} ms) on warm-up sales {}, {} and {}", settings.requests(),
        settings.maxMs(), openSale, soldOutSale, upcomingSale);
    // Fail-open: without Kafka the warm-up still exercises everything up to the hand-off (its orders get 503).
    Future<Void> topic = publisher.prepareWarmUpTopic(vertx).timeout(settings.maxMs() / 2, TimeUnit.MILLISECONDS)
        .onFailure(e -> LOG.warn("warm-up: topic {} not ready ({}); warming up without Kafka", settings.topic(),
            e.toString()))
        .onSuccess(ready -> kafkaReady = true)
        .recover(e -> Future.succeededFuture());
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(CONCURRENCY));
    // The open sale never sells out, however long the JIT takes to settle.
    Future.all(sales.seedOpen(openSale, Integer.MAX_VALUE), sales.seedOpen(soldOutSale, 0),
            sales.seedUpcoming(upcomingSale), topic)
        .compose(seeded -> drive(client, port))
        .compose(driven -> rehearseHandOffs())
        .onFailure(e -> LOG.warn("warm-up failed, the gateway starts cold: {}", e.toString()))
        .transform(x -> sales.cleanUp(List.of(openSale, soldOutSale, upcomingSale), orderIds))
        .eventually(client::close)
        .onComplete(x -> {
          Report report = report(started);
          LOG.info("warm-up done in {} ms: {} requests, answers {}; {} Kafka hand-offs rehearsed", report.elapsedMs(),
              report.sent(), report.answers(), report.handOffs());
          done.complete(report);
        });
    return done.future();
  }

  private Future<Void> drive(HttpClientAgent client, int port) {
    return Lanes.run(vertx, CONCURRENCY, lane -> sendNext(client, port, lane));
  }

  /** Without Kafka there is nothing to rehearse: each send would only wait for its timeout. */
  private Future<Void> rehearseHandOffs() {
    if (!kafkaReady || cancelled) {
      return Future.succeededFuture();
    }
    rehearsing = true;
    return handOffs.run(settings.requests(), deadline, () -> cancelled).mapEmpty();
  }

  /**
   * Synthetic shopper n sends four requests: a purchase in the open sale (202), one in the sold-out sale (409, from
   * Redis first, then from the in-memory flag), the same purchase again (200 duplicate; every fourth shopper reads
   * the sale instead), and one more purchase that is refused: in the sold-out sale, or for every other shopper in the
   * sale that has not started (409 SALE_NOT_STARTED, the answer a crowd gets before the opening). Half the traffic
   * losers, as in a real sale. Every other shopper sends its own X-Request-Id, as clients and ingresses do.
   * Measured: C2 code compiled on the first three alone was thrown away (uncommon traps) by the not-started
   * answers and request ids of the crowd before a sale's opening, and compiled again in its first seconds.
   */
  private void sendNext(HttpClientAgent client, int port, Promise<Void> lane) {
    int i = next.getAndIncrement();
    if (!settings.goOn(i, jit) || cancelled || System.nanoTime() - deadline > 0) {
      lane.complete();
      return;
    }
    long shopper = i / 4;
    String user = WarmUpSales.USER_PREFIX + run + "-" + shopper;
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setTimeout(REQUEST_TIMEOUT_MS)
        .putHeader(WarmUpPass.HEADER, pass.header(shopper));
    Buffer body = null;
    if (shopper % 2 == 0) {
      options.putHeader(RequestIds.HEADER, "warm-up-" + run + "-" + i);
    }
    if (i % 4 == 2 && shopper % 4 == 0) {
      options.setMethod(HttpMethod.GET).setURI("/api/v1/sales/" + openSale);
    } else {
      long sale = i % 2 == 0 ? openSale : i % 4 == 3 && shopper % 2 == 1 ? upcomingSale : soldOutSale;
      options.setMethod(HttpMethod.POST).setURI("/api/v1/sales/" + sale + "/orders")
          .putHeader("Authorization", "Bearer " + jwt.mint(user, 300)).putHeader("Content-Type", "application/json");
      body = ONE_UNIT;
    }
    Buffer toSend = body;
    client.request(options)
        .compose(request -> toSend == null ? request.send() : request.send(toSend))
        .compose(response -> response.body().map(b -> {
          answers.incrementAndGet(Math.min(response.statusCode(), 599));
          if (response.statusCode() == 202 || response.statusCode() == 200) {
            String orderId = new JsonObject(b).getString("orderId");
            if (orderId != null) {
              orderIds.add(orderId);
            }
          } else if (response.statusCode() == 409
              && ErrorCode.SALE_NOT_STARTED.name().equals(new JsonObject(b).getString("code"))) {
            notStarted.incrementAndGet();
          }
          return b;
        }))
        .onFailure(e -> answers.incrementAndGet(0))
        .onComplete(x -> sendNext(client, port, lane));
  }

  private Report report(long started) {
    Map<Integer, Integer> counts = new java.util.TreeMap<>();
    int sent = 0;
    for (int status = 0; status < answers.length(); status++) {
      int n = answers.get(status);
      if (n > 0) {
        counts.put(status, n);
        sent += n;
      }
    }
    return new Report(sent, counts, notStarted.get(), handOffs.acknowledged(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), openSale, soldOutSale, upcomingSale);
  }
}
