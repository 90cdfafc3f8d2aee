package io.seckill.stock.payment;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.stock.StockConfig;
import java.util.regex.Pattern;

/**
 * How stock-service asks the payment provider about an order before cancelling it at its timeout.
 *
 * @param provider    SECKILL_PAYMENT_PROVIDER ({@code none}): {@code none} cancels at the timeout without asking
 *                    (the behaviour before the query existed, so no deployment needs new settings);
 *                    {@code simulator} answers from the payments recorded in PostgreSQL (the dev stack's
 *                    simulated payments); {@code http} asks a provider's order-query API
 * @param timeoutMs   SECKILL_PAYMENT_QUERY_TIMEOUT_MS (2000): bound on one query; past it the answer is UNKNOWN
 * @param retries     SECKILL_PAYMENT_QUERY_RETRIES (5): queries after the first UNKNOWN answer before the order is
 *                    cancelled anyway (0: cancel on the first UNKNOWN)
 * @param backoffMs   SECKILL_PAYMENT_QUERY_BACKOFF_MS (5000): wait after the first UNKNOWN answer, doubled after each
 *                    further one, capped at {@link #MAX_BACKOFF_MS} (or at this value when larger)
 * @param concurrency SECKILL_PAYMENT_QUERY_CONCURRENCY (8): queries in flight at once per instance
 * @param url         SECKILL_PAYMENT_PROVIDER_URL (required for {@code http}): the provider's base URL, http or https
 * @param merchantId  SECKILL_PAYMENT_PROVIDER_MERCHANT_ID (required for {@code http}): our id at the provider
 * @param key         SECKILL_PAYMENT_PROVIDER_KEY (required for {@code http}, at least 32 characters, a secret): the
 *                    HMAC-SHA256 key that signs our queries and the provider's answers
 */
public record PaymentQueryConfig(String provider, int timeoutMs, int retries, int backoffMs, int concurrency, String url,
                          String merchantId, String key) {
  static final String NONE = "none";
  static final String SIMULATOR = "simulator";
  static final String HTTP = "http";
  public static final int MAX_BACKOFF_MS = 300_000;
  private static final Pattern MERCHANT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public static PaymentQueryConfig from(Env env) {
    String provider = env.optional("SECKILL_PAYMENT_PROVIDER", NONE);
    if (!NONE.equals(provider) && !SIMULATOR.equals(provider) && !HTTP.equals(provider)) {
      throw new ConfigException("SECKILL_PAYMENT_PROVIDER", "must be none, simulator or http but was '" + provider + "'");
    }
    int timeoutMs = env.integer("SECKILL_PAYMENT_QUERY_TIMEOUT_MS", 2000, 10, 60_000);
    int retries = env.integer("SECKILL_PAYMENT_QUERY_RETRIES", 5, 0, 100);
    int backoffMs = env.integer("SECKILL_PAYMENT_QUERY_BACKOFF_MS", 5000, 10, 3_600_000);
    int concurrency = env.integer("SECKILL_PAYMENT_QUERY_CONCURRENCY", 8, 1, 256);
    if (!HTTP.equals(provider)) {
      return new PaymentQueryConfig(provider, timeoutMs, retries, backoffMs, concurrency, null, null, null);
    }
    String merchantId = env.required("SECKILL_PAYMENT_PROVIDER_MERCHANT_ID");
    if (!MERCHANT_ID.matcher(merchantId).matches()) {
      throw new ConfigException("SECKILL_PAYMENT_PROVIDER_MERCHANT_ID", "must be 1 to 64 characters of [A-Za-z0-9._-]");
    }
    return new PaymentQueryConfig(provider, timeoutMs, retries, backoffMs, concurrency,
        env.url("SECKILL_PAYMENT_PROVIDER_URL", "https", "http"), merchantId,
        env.secret("SECKILL_PAYMENT_PROVIDER_KEY", StockConfig.SECRET_MIN_LENGTH));
  }

  public boolean queriesProvider() {
    return !NONE.equals(provider);
  }

  /** The wait after the {@code attempts}-th query answered UNKNOWN. */
  public long backoffAfter(int attempts) {
    long cap = Math.max(MAX_BACKOFF_MS, backoffMs);
    long wait = backoffMs;
    for (int i = 1; i < attempts && wait < cap; i++) {
      wait *= 2;
    }
    return Math.min(wait, cap);
  }

  @Override
  public String toString() {
    return "PaymentQueryConfig[provider=" + provider + ", timeoutMs=" + timeoutMs + ", retries=" + retries
        + ", backoffMs=" + backoffMs + ", concurrency=" + concurrency
        + (url == null ? "" : ", url=" + Env.redact(url) + ", merchantId=" + merchantId + ", key=***") + "]";
  }
}
