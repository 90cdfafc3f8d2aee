package io.seckill.common.auth;

import io.seckill.common.http.OnContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shopper tokens signed by an identity provider, with keys from its JWKS (RS256, ES256, EdDSA; see
 * {@link JwksDocument}). The key is found by the token's {@code kid} and chooses the algorithm.
 *
 * <p>Keys are fetched with the non-blocking Vert.x HTTP client at {@link #start()} (retried until one fetch
 * succeeds: {@link #ready()} is the readiness check), every {@code SECKILL_JWT_JWKS_REFRESH_S}, and when a token
 * names an unknown kid (a key the IdP just rotated in). That on-demand fetch is single-flight (concurrent unknown
 * kids share one) and at most one per {@code SECKILL_JWT_JWKS_MIN_REFRESH_MS}, so a flood of invented kids costs the
 * IdP nothing more. Each fetch replaces the key set: keys that vanished from the JWKS are dropped, and at most
 * {@code SECKILL_JWT_JWKS_MAX_KEYS} are kept.
 *
 * <p>Threading: verification runs on the caller's event loop against an immutable key map read through a volatile
 * field; fetches complete on the HTTP client's event loop, which swaps the map. Only the fetch bookkeeping locks.
 * Fail-safe: a failed refresh keeps the keys already held (the IdP being down must not log every shopper out), and
 * a token whose kid is still unknown is refused.
 */
public final class JwksTokenVerifier implements TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(JwksTokenVerifier.class);
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final long FETCH_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final JwtSettings settings;
  private final LongSupplier clockMs;
  private final HttpClientAgent client;
  private final Promise<Void> firstFetch = Promise.promise();
  private volatile Map<String, KeyVerifier> keys = Map.of();
  // Guarded by this.
  private Future<Void> inFlight;
  private long lastFetchStartedMs;
  private boolean fetchedOnce;
  private long refreshTimer = -1;
  private boolean stopped;

  public JwksTokenVerifier(Vertx vertx, JwtSettings settings) {
    this(vertx, settings, System::currentTimeMillis);
  }

  JwksTokenVerifier(Vertx vertx, JwtSettings settings, LongSupplier clockMs) {
    if (!settings.jwksMode()) {
      throw new IllegalArgumentException("no JWKS URL configured");
    }
    this.vertx = vertx;
    this.settings = settings;
    this.clockMs = clockMs;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) FETCH_TIMEOUT_MS)
        .setIdleTimeout((int) FETCH_TIMEOUT_MS).setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setVerifyHost(true));
  }

  /** Fetches the keys now and then periodically; the returned future is {@link #ready()}. */
  public Future<Void> start() {
    synchronized (this) {
      fetch();
      refreshTimer = vertx.setPeriodic(settings.jwksRefreshS() * 1000L, id -> {
        synchronized (this) {
          if (inFlight == null) {
            fetch();
          }
        }
      });
    }
    return ready();
  }

  /** Completes once the first fetch succeeded; until then no token can verify. */
  public Future<Void> ready() {
    return firstFetch.future();
  }

  public Future<Void> stop() {
    synchronized (this) {
      stopped = true;
      if (refreshTimer >= 0) {
        vertx.cancelTimer(refreshTimer);
      }
    }
    return client.close();
  }

  /** The kids currently held (tests and logs). */
  public java.util.Set<String> kids() {
    return keys.keySet();
  }

  @Override
  public Future<String> subject(String token) {
    TokenHeader header = TokenHeader.parse(token);
    if (header == null || header.kid() == null) {
      return TokenRefused.MALFORMED.future();
    }
    KeyVerifier key = keys.get(header.kid());
    if (key != null) {
      return key.verify(header, token);
    }
    return refreshForUnknownKid().transform(done -> {
      KeyVerifier fetched = keys.get(header.kid());
      return fetched == null ? TokenRefused.UNKNOWN_KEY.future() : fetched.verify(header, token);
    });
  }

  /** Single-flight and rate-limited: a fetch in flight is shared; a recent one means this kid is simply unknown. */
  private synchronized Future<Void> refreshForUnknownKid() {
    if (inFlight != null) {
      return inFlight;
    }
    if (fetchedOnce && clockMs.getAsLong() - lastFetchStartedMs < settings.jwksMinRefreshMs()) {
      return Future.succeededFuture();
    }
    return fetch();
  }

  /** Caller holds the lock. Never fails: a failed fetch keeps the keys held and is logged. */
  private Future<Void> fetch() {
    if (stopped) {
      return Future.succeededFuture();
    }
    lastFetchStartedMs = clockMs.getAsLong();
    fetchedOnce = true;
    // The request, its answer and its body chained on one context (OnContext), whoever calls.
    Future<Void> fetch = OnContext.run(vertx, () -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(settings.jwksUrl()).putHeader("Accept", "application/json"))
        .compose(request -> request.send())
        .compose(response -> {
          String length = response.getHeader("Content-Length");
          if (length != null && (length.length() > 9 || Long.parseLong(length) > MAX_BODY_BYTES)) {
            response.request().reset(); // not read: drop the connection rather than buffer it
            return Future.failedFuture("body over " + MAX_BODY_BYTES + " bytes");
          }
          int status = response.statusCode();
          // The body is read either way, so the pooled connection is freed.
          return response.body().compose(body -> status == 200 ? Future.succeededFuture(body)
              : Future.failedFuture("answered HTTP " + status));
        }))
        .timeout(FETCH_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS)
        .compose(this::install)
        .recover(e -> {
          LOG.warn("JWKS fetch from {} failed ({}); keeping the {} keys held", settings.jwksUrl(), e.getMessage(),
              keys.size());
          if (!firstFetch.future().isComplete()) {
            retryUntilFirstSuccess();
          }
          return Future.succeededFuture();
        });
    inFlight = fetch;
    fetch.onComplete(done -> {
      synchronized (this) {
        inFlight = null;
      }
    });
    return fetch;
  }

  private Future<Void> install(Buffer body) {
    if (body.length() > MAX_BODY_BYTES) {
      return Future.failedFuture("body over " + MAX_BODY_BYTES + " bytes");
    }
    Map<String, JsonObject> usable;
    try {
      usable = JwksDocument.usableKeys(body, settings.jwksMaxKeys());
    } catch (RuntimeException e) {
      return Future.failedFuture("not a JWKS document");
    }
    if (usable.isEmpty()) {
      return Future.failedFuture("no usable RS256, ES256 or EdDSA key");
    }
    Map<String, KeyVerifier> held = keys;
    Map<String, KeyVerifier> next = new HashMap<>();
    usable.forEach((kid, jwk) -> {
      KeyVerifier old = held.get(kid);
      next.put(kid, old != null && old.jwk().equals(jwk) ? old
          : new KeyVerifier(vertx, jwk, JwksDocument.signatureChars(jwk), settings));
    });
    keys = Map.copyOf(next);
    if (!held.keySet().equals(next.keySet())) {
      LOG.info("JWKS from {}: keys {}", settings.jwksUrl(), next.keySet());
    }
    firstFetch.tryComplete();
    return Future.succeededFuture();
  }

  private void retryUntilFirstSuccess() {
    vertx.setTimer(Math.max(1000, settings.jwksMinRefreshMs()), id -> {
      synchronized (this) {
        if (!firstFetch.future().isComplete() && inFlight == null) {
          fetch();
        }
      }
    });
  }
}
