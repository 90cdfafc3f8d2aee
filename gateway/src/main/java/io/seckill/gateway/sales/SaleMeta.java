package io.seckill.gateway.sales;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import java.time.Instant;

/**
 * A sale as warm-up wrote it into {@code seckill:{saleId}:meta}.
 *
 * @param startsAt epoch ms
 * @param endsAt   epoch ms
 * @param buckets  how many stock buckets the sale is split into (1 = unsplit)
 * @param paused   an operator paused the sale (reserve.lua refuses it too; this lets the gateway answer from memory)
 * @param challengeDifficulty leading zero bits of the proof-of-work asked before a purchase token; 0: none
 */
public record SaleMeta(long saleId, String itemName, long priceCents, long startsAt, long endsAt, int perUserLimit,
                       boolean requireToken, int buckets, boolean paused, int challengeDifficulty) {

  public java.util.List<io.seckill.common.redis.Bucket> allBuckets() {
    return io.seckill.common.redis.Bucket.all(saleId, buckets);
  }

  public enum Window { UPCOMING, OPEN, ENDED }

  /** The window by this gateway's clock; reserve.lua re-checks against Redis TIME, which is authoritative. */
  public Window windowAt(long nowMs) {
    return window(nowMs, startsAt, endsAt);
  }

  /** The one rule for a window, shared with the list of sales ({@link SaleState}). */
  public static Window window(long nowMs, long startsAt, long endsAt) {
    // The end first, as in reserve.lua: a sale an operator ended before it opened is ENDED, not UPCOMING.
    if (nowMs >= endsAt) {
      return Window.ENDED;
    }
    return nowMs < startsAt ? Window.UPCOMING : Window.OPEN;
  }

  public boolean challengeRequired() {
    return challengeDifficulty > 0;
  }

  /**
   * The refusal for a request outside the window (SALE_NOT_STARTED, SALE_ENDED) or while an operator paused the
   * sale (SALE_PAUSED), or null while open.
   */
  public ProblemException outsideWindow(long nowMs) {
    Window window = windowAt(nowMs);
    if (paused && window != Window.ENDED) {
      return pausedProblem();
    }
    return switch (window) {
      case UPCOMING -> new ProblemException(ErrorCode.SALE_NOT_STARTED, "the sale starts at " + startsAtIso());
      case ENDED -> new ProblemException(ErrorCode.SALE_ENDED, "the sale ended at " + endsAtIso());
      case OPEN -> null;
    };
  }

  public static ProblemException pausedProblem() {
    return new ProblemException(ErrorCode.SALE_PAUSED, "the sale is paused by the shop; try again later");
  }

  public String startsAtIso() {
    return Instant.ofEpochMilli(startsAt).toString();
  }

  public String endsAtIso() {
    return Instant.ofEpochMilli(endsAt).toString();
  }
}
