package io.seckill.common.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;

/**
 * The response handlers see: it passes everything through until the request's deadline answered in their place
 * ({@link #expire()}); from then on it reports itself ended and every write is dropped. A handler completing late
 * therefore writes nothing and throws nothing ("response already written" would be logged as an error), without
 * each handler having to check. Used on the event loop of its request only.
 */
final class DeadlineResponse extends ForwardingServerResponse {
  private boolean expired;
  private String pendingId;
  private String pendingLocationPrefix;

  DeadlineResponse(HttpServerResponse delegate) {
    super(delegate);
  }

  /** The resource whose outcome the route is waiting for (the order a purchase reserved), for the deadline's answer. */
  void pending(String id, String locationPrefix) {
    this.pendingId = id;
    this.pendingLocationPrefix = locationPrefix;
  }

  String pendingId() {
    return pendingId;
  }

  String pendingLocationPrefix() {
    return pendingLocationPrefix;
  }

  /** The deadline answered: drop whatever the route's handlers still write. */
  void expire() {
    expired = true;
  }

  private static Future<Void> dropped() {
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    return !expired && delegate.writeQueueFull();
  }

  @Override
  public HttpServerResponse setStatusCode(int statusCode) {
    if (!expired) {
      delegate.setStatusCode(statusCode);
    }
    return this;
  }

  @Override
  public HttpServerResponse setStatusMessage(String statusMessage) {
    if (!expired) {
      delegate.setStatusMessage(statusMessage);
    }
    return this;
  }

  @Override
  public HttpServerResponse setChunked(boolean chunked) {
    if (!expired) {
      delegate.setChunked(chunked);
    }
    return this;
  }

  @Override
  public HttpServerResponse putHeader(String name, String value) {
    if (!expired) {
      delegate.putHeader(name, value);
    }
    return this;
  }

  @Override
  public HttpServerResponse putHeader(CharSequence name, CharSequence value) {
    if (!expired) {
      delegate.putHeader(name, value);
    }
    return this;
  }

  @Override
  public HttpServerResponse putHeader(String name, Iterable<String> values) {
    if (!expired) {
      delegate.putHeader(name, values);
    }
    return this;
  }

  @Override
  public HttpServerResponse putHeader(CharSequence name, Iterable<CharSequence> values) {
    if (!expired) {
      delegate.putHeader(name, values);
    }
    return this;
  }

  @Override
  public HttpServerResponse putTrailer(String name, String value) {
    if (!expired) {
      delegate.putTrailer(name, value);
    }
    return this;
  }

  @Override
  public HttpServerResponse putTrailer(CharSequence name, CharSequence value) {
    if (!expired) {
      delegate.putTrailer(name, value);
    }
    return this;
  }

  @Override
  public HttpServerResponse putTrailer(String name, Iterable<String> values) {
    if (!expired) {
      delegate.putTrailer(name, values);
    }
    return this;
  }

  @Override
  public HttpServerResponse putTrailer(CharSequence name, Iterable<CharSequence> value) {
    if (!expired) {
      delegate.putTrailer(name, value);
    }
    return this;
  }

  @Override
  public Future<Void> writeHead() {
    return expired ? dropped() : delegate.writeHead();
  }

  @Override
  public Future<Void> write(Buffer data) {
    return expired ? dropped() : delegate.write(data);
  }

  @Override
  public Future<Void> write(String chunk, String enc) {
    return expired ? dropped() : delegate.write(chunk, enc);
  }

  @Override
  public Future<Void> write(String chunk) {
    return expired ? dropped() : delegate.write(chunk);
  }

  @Override
  public Future<Void> writeContinue() {
    return expired ? dropped() : delegate.writeContinue();
  }

  @Override
  public Future<Void> writeEarlyHints(MultiMap headers) {
    return expired ? dropped() : delegate.writeEarlyHints(headers);
  }

  @Override
  public Future<Void> end(String chunk) {
    return expired ? dropped() : delegate.end(chunk);
  }

  @Override
  public Future<Void> end(String chunk, String enc) {
    return expired ? dropped() : delegate.end(chunk, enc);
  }

  @Override
  public Future<Void> end(Buffer chunk) {
    return expired ? dropped() : delegate.end(chunk);
  }

  @Override
  public Future<Void> end() {
    return expired ? dropped() : delegate.end();
  }

  @Override
  public Future<Void> sendFile(String filename, long offset, long length) {
    return expired ? dropped() : delegate.sendFile(filename, offset, length);
  }

  @Override
  public Future<Void> sendFile(FileChannel channel, long offset, long length) {
    return expired ? dropped() : delegate.sendFile(channel, offset, length);
  }

  @Override
  public Future<Void> sendFile(RandomAccessFile file, long offset, long length) {
    return expired ? dropped() : delegate.sendFile(file, offset, length);
  }

  @Override
  public boolean ended() {
    return expired || delegate.ended();
  }

  @Override
  public boolean headWritten() {
    return expired || delegate.headWritten();
  }

  @Override
  public Future<HttpServerResponse> push(HttpMethod method, HostAndPort authority, String path, MultiMap headers) {
    return expired ? Future.failedFuture("the request's deadline already answered") : delegate.push(method, authority, path, headers);
  }

  @Override
  public Future<Void> reset(long code) {
    return expired ? dropped() : delegate.reset(code);
  }

  @Override
  public Future<Void> writeCustomFrame(int type, int flags, Buffer payload) {
    return expired ? dropped() : delegate.writeCustomFrame(type, flags, payload);
  }

  @Override
  public HttpServerResponse addCookie(Cookie cookie) {
    if (!expired) {
      delegate.addCookie(cookie);
    }
    return this;
  }
}
