package io.seckill.loadtest;

import java.nio.charset.StandardCharsets;

/**
 * The fixed answer of the {@link CeilingServer}: shaped like the gateway's 202 (a JSON body with
 * orderId/saleId/status and a Location header) and padded to the byte sizes measured on the real
 * gateway, so the ceiling run moves exactly as many bytes per request as the admission run.
 *
 * <p>Vert.x writes {@code HTTP/1.1 202 Accepted}, then the headers in insertion order as
 * {@code name: value\r\n}, then {@code \r\n}; {@link #headerBytes()} models that and the size test
 * checks the model against the bytes on the wire.
 */
public record CeilingResponse(String body, String location) {
  static final String STATUS_LINE = "HTTP/1.1 202 Accepted\r\n";
  static final String CONTENT_TYPE = "application/json";
  private static final String BODY_FRAME = "{\"orderId\":\"\",\"saleId\":1,\"status\":\"QUEUED\"}";
  private static final String LOCATION_PREFIX = "/api/v1/orders/";
  /** The smallest answer this shape allows (an order id of one character). */
  static final int MIN_BODY_BYTES = BODY_FRAME.length() + 1;

  /**
   * @param bodyBytes   size of the gateway's 202 body
   * @param headerBytes size of its status line plus headers plus the blank line
   */
  public static CeilingResponse matching(int bodyBytes, int headerBytes) {
    if (bodyBytes < MIN_BODY_BYTES) {
      throw new IllegalArgumentException("body must be at least " + MIN_BODY_BYTES + " bytes but was " + bodyBytes);
    }
    int orderIdLength = bodyBytes - BODY_FRAME.length();
    String orderId = ("1-" + "0".repeat(orderIdLength)).substring(0, orderIdLength);
    String body = "{\"orderId\":\"" + orderId + "\",\"saleId\":1,\"status\":\"QUEUED\"}";
    int fixed = fixedHeaderBytes(bodyBytes) + ("location: " + LOCATION_PREFIX + "\r\n").length();
    int locationPad = headerBytes - fixed;
    if (locationPad < 1) {
      throw new IllegalArgumentException("headers must be at least " + (fixed + 1) + " bytes but were " + headerBytes);
    }
    String location = LOCATION_PREFIX + "x".repeat(locationPad);
    return new CeilingResponse(body, location);
  }

  /** Status line, content-type, content-length and the blank line: everything but the Location header. */
  private static int fixedHeaderBytes(int bodyBytes) {
    return STATUS_LINE.length()
        + ("content-type: " + CONTENT_TYPE + "\r\n").length()
        + ("content-length: " + bodyBytes + "\r\n").length()
        + 2;
  }

  public int bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8).length;
  }

  public int headerBytes() {
    return fixedHeaderBytes(bodyBytes()) + ("location: " + location + "\r\n").length();
  }
}
