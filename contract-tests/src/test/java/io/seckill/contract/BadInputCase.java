package io.seckill.contract;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * One row of the bad-input table: a request and the answers the contract allows for it. Most rows
 * allow exactly one status and one code; header-size rows allow 431 or 400 (the HTTP layer decides).
 */
record BadInputCase(String name, HttpRequest.Builder request, Set<Integer> statuses, Set<String> codes) {

  static BadInputCase of(String name, HttpRequest.Builder request, int status, String... codes) {
    return new BadInputCase(name, request, Set.of(status), Set.of(codes));
  }

  static HttpRequest.Builder request(String method, URI uri, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(builder::header);
    return builder;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code prefix}, the bytes FF FE C3 28 (never valid UTF-8), then {@code suffix}. */
  static byte[] invalidUtf8(String prefix, String suffix) {
    byte[] head = utf8(prefix);
    byte[] tail = utf8(suffix);
    byte[] bad = {(byte) 0xFF, (byte) 0xFE, (byte) 0xC3, (byte) 0x28};
    byte[] out = new byte[head.length + bad.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(bad, 0, out, head.length, bad.length);
    System.arraycopy(tail, 0, out, head.length + bad.length, tail.length);
    return out;
  }

  static String repeat(String s, int times) {
    return s.repeat(times);
  }
}
