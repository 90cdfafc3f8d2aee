package io.seckill.gateway.orders;

import io.seckill.gateway.Answer;
import io.seckill.gateway.RedisCalls;
import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.redis.RedisKeys;
import io.seckill.common.redis.SeckillScripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency-Key records (IETF httpapi idempotency-key draft), scoped to the user and the sale at
 * {@link RedisKeys#idempotency}. A first request stores its body fingerprint with an in-progress
 * marker ({@code SET NX} with a short TTL), then the final answer, kept for the configured TTL
 * (SECKILL_IDEMPOTENCY_TTL_S, default 24 h). Same key + same body replays; same key + another body
 * is 422 IDEMPOTENCY_KEY_REUSED; a second request while the first is running is 409
 * REQUEST_IN_PROGRESS. Transient failures (503, 429, and the operator's SALE_PAUSED / USER_BLOCKED, which a
 * resume or an unblock lifts) are not stored, so the client may retry.
 *
 * <p>The marker carries the moment its request is answered at the latest (its HTTP deadline). A marker
 * past it belongs to a request that already got its answer — typically a 503 whose {@code SET NX} timed
 * out on the client and still ran once a stalled Redis resumed, so no one was left to drop it — and a
 * retry takes it over (compare-and-delete, then claim) instead of answering 409 for the lock's TTL.
 */
public final class IdempotencyStore {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final RedisAPI redis;
  private final RedisCalls calls;
  private final int ttlS;
  private final int lockTtlS;
  private final long requestDeadlineMs;
  private final java.util.function.LongSupplier clock;

  public IdempotencyStore(RedisAPI redis, RedisCalls calls, int ttlS, int lockTtlS, long requestDeadlineMs,
                          java.util.function.LongSupplier clock) {
    this.redis = redis;
    this.calls = calls;
    this.ttlS = ttlS;
    this.lockTtlS = lockTtlS;
    this.requestDeadlineMs = requestDeadlineMs;
    this.clock = clock;
  }

  /** Clock skew between gateways tolerated before a marker past its request's deadline is taken over. */
  static final long SKEW_MS = 1000;

  public static String validKey(String key) {
    if (key != null && !KEY.matcher(key).matches()) {
      throw ProblemException.invalid("Idempotency-Key must be 1..64 characters of [A-Za-z0-9_-]");
    }
    return key;
  }

  /**
   * Claims the key. Empty: the caller proceeds and must {@link #complete} or {@link #abandon}.
   * A stored answer: replay it. Fails with REQUEST_IN_PROGRESS / IDEMPOTENCY_KEY_REUSED, or with
   * the stored refusal.
   */
  public Future<Optional<Answer>> begin(long saleId, String userId, String key, String fingerprint) {
    return begin(saleId, userId, key, fingerprint, 2);
  }

  private Future<Optional<Answer>> begin(long saleId, String userId, String key, String fingerprint, int claims) {
    String redisKey = RedisKeys.idempotency(saleId, userId, key);
    String marker = new JsonObject().put("fp", fingerprint).put("state", "IN_PROGRESS")
        .put("answeredBy", clock.getAsLong() + requestDeadlineMs).encode();
    // Fail-closed: without the record a retry could not be recognised.
    return calls.call("SET NX idempotency", () -> redis.set(List.of(redisKey, marker, "NX", "EX", Integer.toString(lockTtlS))))
        .compose(set -> set != null ? Future.succeededFuture(Optional.<Answer>empty())
            : calls.call("GET idempotency", () -> redis.get(redisKey)).compose(existing -> {
              if (existing == null && claims > 0) {
                // The record expired between the two calls: claim it again.
                return begin(saleId, userId, key, fingerprint, claims - 1);
              }
              if (existing != null && claims > 0 && abandoned(existing.toString(), fingerprint)) {
                // Fail-closed: if the stale marker cannot be dropped, the retry is told to wait (409).
                return calls.call("CAD idempotency", () -> SeckillScripts.COMPARE_AND_DELETE.run(redis,
                    List.of(redisKey), List.of(existing.toString())))
                    .compose(dropped -> begin(saleId, userId, key, fingerprint, claims - 1));
              }
              return existing == null ? Future.failedFuture(inProgress()) : replay(existing, fingerprint);
            }));
  }

  /** An in-progress marker of this body whose request has certainly been answered already. */
  private boolean abandoned(String raw, String fingerprint) {
    JsonObject record = new JsonObject(raw);
    Long answeredBy = record.getLong("answeredBy");
    return "IN_PROGRESS".equals(record.getString("state")) && fingerprint.equals(record.getString("fp"))
        && answeredBy != null && answeredBy + SKEW_MS < clock.getAsLong();
  }

  private static ProblemException inProgress() {
    return new ProblemException(ErrorCode.REQUEST_IN_PROGRESS, "a request with this Idempotency-Key is still being processed");
  }

  private Future<Optional<Answer>> replay(Response existing, String fingerprint) {
    JsonObject record = new JsonObject(existing.toString());
    if (!fingerprint.equals(record.getString("fp"))) {
      return Future.failedFuture(new ProblemException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
          "this Idempotency-Key was used with a different request body"));
    }
    if ("IN_PROGRESS".equals(record.getString("state"))) {
      return Future.failedFuture(new ProblemException(ErrorCode.REQUEST_IN_PROGRESS,
          "a request with this Idempotency-Key is still being processed"));
    }
    if (record.containsKey("problem")) {
      return Future.failedFuture(new ProblemException(ErrorCode.valueOf(record.getString("problem")), record.getString("detail")));
    }
    return Future.succeededFuture(Optional.of(new Answer(record.getInteger("status"), record.getJsonObject("body"),
        record.getString("location"))));
  }

  /** Stores the final outcome; a refusal that may change on retry (503, 429, 500) releases the key instead. */
  public Future<Void> complete(long saleId, String userId, String key, String fingerprint, Answer answer, Throwable failure) {
    String redisKey = RedisKeys.idempotency(saleId, userId, key);
    JsonObject record = new JsonObject().put("fp", fingerprint).put("state", "DONE");
    if (answer != null) {
      record.put("status", answer.status()).put("body", answer.body()).put("location", answer.location());
    } else if (failure instanceof ProblemException problem && storable(problem.code())) {
      record.put("problem", problem.code().name()).put("detail", problem.getMessage());
    } else {
      return abandon(redisKey);
    }
    // Fail-open: if the answer cannot be stored the marker expires and a retry is processed again
    // (and recognised as a duplicate shopper by reserve.lua).
    return calls.call("SET idempotency", () -> redis.set(List.of(redisKey, record.encode(), "EX", Integer.toString(ttlS))))
        .<Void>mapEmpty().recover(e -> {
          LOG.warn("could not store the idempotent answer for sale {}: {}", saleId, e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> abandon(String redisKey) {
    return calls.call("DEL idempotency", () -> redis.del(List.of(redisKey))).<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  private static boolean storable(ErrorCode code) {
    // An operator's pause or blocklist entry is lifted by a later call: a retry after it must be decided afresh.
    return code != ErrorCode.UNAVAILABLE && code != ErrorCode.RATE_LIMITED && code != ErrorCode.INTERNAL
        && code != ErrorCode.REQUEST_IN_PROGRESS && code != ErrorCode.SALE_PAUSED && code != ErrorCode.USER_BLOCKED;
  }
}
