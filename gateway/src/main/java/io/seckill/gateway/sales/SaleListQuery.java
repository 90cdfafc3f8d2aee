package io.seckill.gateway.sales;

import io.seckill.common.http.ProblemException;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated query of {@code GET /api/v1/sales}: {@code state} (comma-separated, repeatable; default
 * OPEN,UPCOMING), {@code limit} (1..100, default 20) and {@code cursor} (opaque: the position after the
 * previous page's last sale in the list's order, starts_at then sale id). Bad input throws a 400.
 *
 * @param after null on the first page
 */
record SaleListQuery(Set<SaleState> states, int limit, Position after) {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  private static final Set<String> PARAMETERS = Set.of("state", "limit", "cursor");
  private static final Set<SaleState> DEFAULT_STATES = EnumSet.of(SaleState.OPEN, SaleState.UPCOMING);
  private static final Pattern CURSOR = Pattern.compile("v1:(-?[0-9]{1,19}):([0-9]{1,19})");
  private static final int MAX_CURSOR_CHARS = 64;

  /** A place in the list's order: the last sale shown (its start in epoch microseconds, as PostgreSQL keeps it). */
  record Position(long startsAtMicros, long saleId) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(("v1:" + startsAtMicros + ":" + saleId).getBytes(StandardCharsets.US_ASCII));
    }
  }

  static SaleListQuery parse(MultiMap params) {
    for (String name : params.names()) {
      if (!PARAMETERS.contains(name)) {
        throw ProblemException.invalid("unknown query parameter '" + name + "' (expected state, limit, cursor)");
      }
    }
    return new SaleListQuery(states(params.getAll("state")), limit(params.getAll("limit")), cursor(params.getAll("cursor")));
  }

  /** The cache key: equal for queries that mean the same (state order and repetition do not matter). */
  String cacheKey() {
    return states + "|" + limit + "|" + (after == null ? "" : after.startsAtMicros() + ":" + after.saleId());
  }

  private static Set<SaleState> states(List<String> values) {
    if (values.isEmpty()) {
      return DEFAULT_STATES;
    }
    Set<SaleState> states = EnumSet.noneOf(SaleState.class);
    for (String value : values) {
      for (String name : value.split(",", -1)) {
        states.add(state(name.trim()));
      }
    }
    return states;
  }

  private static SaleState state(String name) {
    for (SaleState s : SaleState.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw ProblemException.invalid("state '" + (name.length() > 20 ? name.substring(0, 20) + "…" : name)
        + "' is not one of " + java.util.Arrays.toString(SaleState.values()));
  }

  private static int limit(List<String> values) {
    if (values.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    String raw = single("limit", values);
    if (raw.isEmpty() || raw.length() > 3 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > MAX_LIMIT) {
      throw ProblemException.invalid("limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return Integer.parseInt(raw);
  }

  private static Position cursor(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    String raw = single("cursor", values);
    ProblemException bad = ProblemException.invalid("cursor is not one this API returned as nextCursor");
    if (raw.isEmpty() || raw.length() > MAX_CURSOR_CHARS) {
      throw bad;
    }
    try {
      Matcher m = CURSOR.matcher(new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII));
      if (!m.matches()) {
        throw bad;
      }
      return new Position(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw bad; // not base64url, or a number past 64 bits
    }
  }

  private static String single(String name, List<String> values) {
    if (values.size() > 1) {
      throw ProblemException.invalid(name + " may be given once");
    }
    return values.get(0);
  }
}
