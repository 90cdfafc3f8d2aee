package io.seckill.common.auth;

/**
 * The one alphabet of shopper ids, wherever one arrives: a token's {@code sub}, the cancel hand-off, the blocklist.
 * Ids reach Redis values, SQL parameters and logs, never a key name; the alphabet keeps them printable and short.
 * It holds what identity providers put in {@code sub}: UUIDs (Keycloak, Cognito), Auth0's {@code auth0|…} and
 * {@code google-oauth2|…}, e-mail-like names, and the ids this project mints.
 */
public final class UserIds {
  public static final int MAX_LENGTH = 64;
  /** For error texts: the rule in words. */
  public static final String RULE = "1 to 64 characters of [A-Za-z0-9._@|-]";

  private UserIds() {
  }

  public static boolean valid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '.' || c == '@' || c == '|';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
