package io.seckill.common.auth;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import java.net.URI;
import java.util.Set;

/**
 * How shopper tokens are verified: exactly one of a shared HS256 secret (local runs, tests, the dev sign-in, the load
 * test) or an identity provider's JWKS (RS256, ES256, EdDSA), validated once at start.
 *
 * @param secret          SECKILL_JWT_SECRET (>= 32 chars): HS256 key of shopper tokens; exactly one of it and the JWKS URL
 * @param jwksUrl         SECKILL_JWT_JWKS_URL: the identity provider's JWKS (https://, or http:// to a loopback host)
 * @param issuer          SECKILL_JWT_ISSUER: the exact {@code iss} a token must carry (required with a JWKS URL)
 * @param audience        SECKILL_JWT_AUDIENCE: a value {@code aud} must contain (required with a JWKS URL)
 * @param leewayS         SECKILL_JWT_LEEWAY_S (30): clock skew allowed on exp, nbf and iat
 * @param maxLifetimeS    SECKILL_JWT_MAX_LIFETIME_S (3600, or the dev sign-in's token TTL in dev mode): exp − iat bound;
 *                        tokens must carry both
 * @param jwksRefreshS    SECKILL_JWT_JWKS_REFRESH_S (300): periodic JWKS refresh
 * @param jwksMinRefreshMs SECKILL_JWT_JWKS_MIN_REFRESH_MS (10000): least time between two fetches that an unknown
 *                        {@code kid} triggers, so a flood of invented kids cannot hammer the identity provider
 * @param jwksMaxKeys     SECKILL_JWT_JWKS_MAX_KEYS (32): keys kept from one JWKS; the rest are ignored
 * @param verifiedCacheSize SECKILL_JWT_VERIFIED_CACHE_SIZE (100000; 0 = off): tokens an identity provider's key has
 *                        verified, remembered until they expire so a shopper's next requests skip the signature check
 */
public record JwtSettings(String secret, String jwksUrl, String issuer, String audience, int leewayS, int maxLifetimeS,
                          int jwksRefreshS, int jwksMinRefreshMs, int jwksMaxKeys, int verifiedCacheSize) {
  public static final int DEFAULT_MAX_LIFETIME_S = 3600;
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  /**
   * @param devTokenTtlS the dev sign-in's token life when dev mode is on (its tokens must verify), else 0
   */
  public static JwtSettings from(Env env, int devTokenTtlS) {
    boolean hasSecret = env.optional("SECKILL_JWT_SECRET", null) != null;
    String jwksUrl = env.optional("SECKILL_JWT_JWKS_URL", null);
    if (hasSecret && jwksUrl != null) {
      throw new ConfigException("SECKILL_JWT_JWKS_URL", "set exactly one of SECKILL_JWT_SECRET (HS256) and "
          + "SECKILL_JWT_JWKS_URL (an identity provider), not both");
    }
    if (!hasSecret && jwksUrl == null) {
      throw new ConfigException("SECKILL_JWT_SECRET", "is required but not set (or set SECKILL_JWT_JWKS_URL to verify "
          + "an identity provider's tokens instead)");
    }
    if (jwksUrl != null && devTokenTtlS > 0) {
      throw new ConfigException("SECKILL_JWT_JWKS_URL", "dev mode signs shoppers in with SECKILL_JWT_SECRET; "
          + "set that instead, or turn SECKILL_DEV_MODE off");
    }
    String secret = hasSecret ? env.secret("SECKILL_JWT_SECRET", 32) : null;
    if (jwksUrl != null) {
      jwksUrl = jwksUrl(jwksUrl);
    }
    String issuer = jwksUrl != null ? env.required("SECKILL_JWT_ISSUER") : env.optional("SECKILL_JWT_ISSUER", null);
    String audience = jwksUrl != null ? env.required("SECKILL_JWT_AUDIENCE") : env.optional("SECKILL_JWT_AUDIENCE", null);
    int maxLifetime = env.integer("SECKILL_JWT_MAX_LIFETIME_S", Math.max(DEFAULT_MAX_LIFETIME_S, devTokenTtlS), 60, 604_800);
    if (maxLifetime < devTokenTtlS) {
      throw new ConfigException("SECKILL_JWT_MAX_LIFETIME_S", "must be at least SECKILL_DEV_TOKEN_TTL_S (" + devTokenTtlS
          + ") in dev mode but was " + maxLifetime);
    }
    return new JwtSettings(secret, jwksUrl, issuer, audience,
        env.integer("SECKILL_JWT_LEEWAY_S", 30, 0, 300),
        maxLifetime,
        env.integer("SECKILL_JWT_JWKS_REFRESH_S", 300, 10, 86_400),
        env.integer("SECKILL_JWT_JWKS_MIN_REFRESH_MS", 10_000, 50, 3_600_000),
        env.integer("SECKILL_JWT_JWKS_MAX_KEYS", 32, 1, 1000),
        env.integer("SECKILL_JWT_VERIFIED_CACHE_SIZE", 100_000, 0, 10_000_000));
  }

  /** The same limits with no issuer or audience: for tokens the gateway signs itself (its start-up warm-up). */
  public JwtSettings withoutIssuer() {
    return new JwtSettings(secret, jwksUrl, null, null, leewayS, maxLifetimeS, jwksRefreshS, jwksMinRefreshMs, jwksMaxKeys,
        verifiedCacheSize);
  }

  /** The same settings without the verified-token cache. */
  public JwtSettings withoutVerifiedCache() {
    return new JwtSettings(secret, jwksUrl, issuer, audience, leewayS, maxLifetimeS, jwksRefreshS, jwksMinRefreshMs,
        jwksMaxKeys, 0);
  }

  /** Tokens come from an identity provider's JWKS rather than the shared secret. */
  public boolean jwksMode() {
    return jwksUrl != null;
  }

  /** Signing keys fetched over plain HTTP could be swapped by anyone on the path: https, or loopback for tests. */
  private static String jwksUrl(String value) {
    try {
      URI uri = URI.create(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if (uri.getHost() != null && (scheme.equals("https") || scheme.equals("http") && LOOPBACK.contains(uri.getHost()))) {
        return value;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ConfigException("SECKILL_JWT_JWKS_URL", "must be an https:// URL (http:// only to a loopback host) but was '"
        + Env.redact(value) + "'");
  }

  /** The secret stays out of logs. */
  @Override
  public String toString() {
    return jwksMode()
        ? "jwt[jwks=" + jwksUrl + ", issuer=" + issuer + ", audience=" + audience + ", leewayS=" + leewayS
            + ", maxLifetimeS=" + maxLifetimeS + ", refreshS=" + jwksRefreshS + ", minRefreshMs=" + jwksMinRefreshMs
            + ", maxKeys=" + jwksMaxKeys + "]"
        : "jwt[hs256, issuer=" + issuer + ", audience=" + audience + ", leewayS=" + leewayS + ", maxLifetimeS="
            + maxLifetimeS + "]";
  }
}
