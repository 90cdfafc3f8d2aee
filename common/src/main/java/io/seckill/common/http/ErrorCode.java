package io.seckill.common.http;

/** The stable {@code code} values of problem+json answers (docs/architecture.md "HTTP contract"). */
public enum ErrorCode {
  INVALID_REQUEST(400, "Invalid request"),
  UNAUTHENTICATED(401, "Unauthenticated"),
  INVALID_SIGNATURE(401, "Invalid signature"),
  INVALID_PURCHASE_TOKEN(403, "Invalid purchase token"),
  /** The sale asks for a proof-of-work and the purchase-token request carried none (docs/bots.md). */
  CHALLENGE_REQUIRED(403, "Challenge required"),
  /** The proof-of-work did not have the sale's leading zero bits; its nonce is spent all the same. */
  CHALLENGE_FAILED(403, "Challenge failed"),
  /** The challenge nonce is unknown to this shopper: expired, already used, or issued to someone else. */
  CHALLENGE_EXPIRED(403, "Challenge expired"),
  /** The shopper is on the operator's blocklist (PUT /admin/v1/blocklist/{userId}). */
  USER_BLOCKED(403, "User blocked"),
  /** A valid credential used beyond its scope (the gateway's cancel-only token on another admin route). */
  FORBIDDEN(403, "Forbidden"),
  SALE_NOT_FOUND(404, "Sale not found"),
  ORDER_NOT_FOUND(404, "Order not found"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  SALE_NOT_STARTED(409, "Sale not started"),
  SALE_ENDED(409, "Sale ended"),
  SOLD_OUT(409, "Sold out"),
  REQUEST_IN_PROGRESS(409, "Request in progress"),
  ORDER_NOT_CANCELLABLE(409, "Order not cancellable"),
  SALE_LIVE(409, "Sale is live"),
  /** A challenge was asked for a sale that has none: its purchase tokens need no proof-of-work. */
  CHALLENGE_NOT_REQUIRED(409, "Challenge not required"),
  /** An operator paused the sale (POST /admin/v1/sales/{saleId}/pause) and has not resumed it. */
  SALE_PAUSED(409, "Sale paused"),
  /** An edit of a sale whose window has opened (PATCH /admin/v1/sales/{saleId}): only unopened sales change. */
  SALE_ALREADY_OPEN(409, "Sale already open"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  URI_TOO_LONG(414, "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  LIMIT_EXCEEDED(422, "Limit exceeded"),
  IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused"),
  AMOUNT_MISMATCH(422, "Amount mismatch"),
  RATE_LIMITED(429, "Rate limited"),
  HEADERS_TOO_LARGE(431, "Request header fields too large"),
  INTERNAL(500, "Internal error"),
  UNAVAILABLE(503, "Service unavailable"),
  /** The sale exists in the database but its Redis state is missing (Redis lost its data): not warmed up yet. */
  SALE_NOT_READY(503, "Sale not ready"),
  /**
   * A purchase whose outcome could not be settled in time (a dependency stalled with the request possibly
   * applied): the answer names the order to check when it is known; retrying the purchase is always safe.
   */
  OUTCOME_UNKNOWN(504, "Outcome unknown");

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The problem type URI; documentation anchors, stable across releases. */
  public String type() {
    return "https://seckill.dev/problems/" + name().toLowerCase().replace('_', '-');
  }
}
