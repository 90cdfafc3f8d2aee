package io.seckill.gateway;

import java.time.Instant;

/**
 * A sale as warm-up wrote it into {@code seckill:{saleId}:meta}.
 *
 * @param startsAt epoch ms
 * @param endsAt   epoch ms
 */
public record SaleMeta(long saleId, String itemName, long priceCents, long startsAt, long endsAt, int perUserLimit,
                       boolean requireToken) {

  public enum Window { UPCOMING, OPEN, ENDED }

  /** The window by this gateway's clock; reserve.lua re-checks against Redis TIME, which is authoritative. */
  public Window windowAt(long nowMs) {
    if (nowMs < startsAt) {
      return Window.UPCOMING;
    }
    return nowMs >= endsAt ? Window.ENDED : Window.OPEN;
  }

  public String startsAtIso() {
    return Instant.ofEpochMilli(startsAt).toString();
  }

  public String endsAtIso() {
    return Instant.ofEpochMilli(endsAt).toString();
  }
}
