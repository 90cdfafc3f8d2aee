package io.seckill.common.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;

/** An {@link HttpServerResponse} that hands every call to another; {@link DeadlineResponse} overrides the writes. */
abstract class ForwardingServerResponse implements HttpServerResponse {
  protected final HttpServerResponse delegate;

  ForwardingServerResponse(HttpServerResponse delegate) {
    this.delegate = delegate;
  }

  @Override
  public HttpServerResponse exceptionHandler(Handler<Throwable> handler) {
    delegate.exceptionHandler(handler);
    return this;
  }

  @Override
  public HttpServerResponse setWriteQueueMaxSize(int maxSize) {
    delegate.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public HttpServerResponse drainHandler(Handler<Void> handler) {
    delegate.drainHandler(handler);
    return this;
  }

  @Override
  public int getStatusCode() {
    return delegate.getStatusCode();
  }

  @Override
  public String getStatusMessage() {
    return delegate.getStatusMessage();
  }

  @Override
  public boolean isChunked() {
    return delegate.isChunked();
  }

  @Override
  public MultiMap headers() {
    return delegate.headers();
  }

  @Override
  public MultiMap trailers() {
    return delegate.trailers();
  }

  @Override
  public HttpServerResponse closeHandler(Handler<Void> handler) {
    delegate.closeHandler(handler);
    return this;
  }

  @Override
  public HttpServerResponse endHandler(Handler<Void> handler) {
    delegate.endHandler(handler);
    return this;
  }

  @Override
  public boolean closed() {
    return delegate.closed();
  }

  @Override
  public HttpServerResponse headersEndHandler(Handler<Void> handler) {
    delegate.headersEndHandler(handler);
    return this;
  }

  @Override
  public HttpServerResponse bodyEndHandler(Handler<Void> handler) {
    delegate.bodyEndHandler(handler);
    return this;
  }

  @Override
  public long bytesWritten() {
    return delegate.bytesWritten();
  }

  @Override
  public int streamId() {
    return delegate.streamId();
  }

  @Override
  public Cookie removeCookie(String name, boolean invalidate) {
    return delegate.removeCookie(name, invalidate);
  }

  @Override
  public Set<Cookie> removeCookies(String name, boolean invalidate) {
    return delegate.removeCookies(name, invalidate);
  }

  @Override
  public Cookie removeCookie(String name, String domain, String path, boolean invalidate) {
    return delegate.removeCookie(name, domain, path, invalidate);
  }
}
