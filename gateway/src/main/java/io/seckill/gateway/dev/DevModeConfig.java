package io.seckill.gateway.dev;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import java.net.URI;

/**
 * The local-stack helpers of the shopper page: a dev sign-in and a payment simulator. Off by
 * default: with them on, anyone who can reach the gateway can mint a shopper token for any user
 * and mark that user's orders paid, so they must never be on in production.
 *
 * @param enabled            SECKILL_DEV_MODE (false): mounts {@code /dev/**}; otherwise those paths are 404
 * @param paymentSecret      SECKILL_PAYMENT_SECRET (>= 32 chars, required only in dev mode): signs simulated callbacks
 * @param paymentCallbackUrl SECKILL_PAYMENT_CALLBACK_URL ({SECKILL_STOCK_SERVICE_URL}/api/v1/payments/callback)
 * @param tokenTtlS          SECKILL_DEV_TOKEN_TTL_S (28800 = 8 h): life of a dev shopper token
 */
public record DevModeConfig(boolean enabled, String paymentSecret, String paymentCallbackUrl, int tokenTtlS) {
  public static final DevModeConfig OFF = new DevModeConfig(false, null, null, 0);

  public static DevModeConfig from(Env env, String stockServiceUrl) {
    if (!env.bool("SECKILL_DEV_MODE", false)) {
      return OFF;
    }
    String secret = env.secret("SECKILL_PAYMENT_SECRET", 32);
    String callback = env.optional("SECKILL_PAYMENT_CALLBACK_URL", stockServiceUrl + "/api/v1/payments/callback");
    if (!isHttpUrl(callback)) {
      throw new ConfigException("SECKILL_PAYMENT_CALLBACK_URL", "must be an http(s):// URL but was '"
          + Env.redact(callback) + "'");
    }
    return new DevModeConfig(true, secret, callback, env.integer("SECKILL_DEV_TOKEN_TTL_S", 28_800, 60, 604_800));
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = URI.create(value);
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The secret stays out of logs. */
  @Override
  public String toString() {
    return enabled ? "devMode[on, callback=" + paymentCallbackUrl + "]" : "devMode[off]";
  }
}
