package io.seckill.loadtest;

import io.vertx.core.Future;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The HTTP ceiling of this machine for the gateway's traffic: a bare Vert.x server with the same
 * Vert.x version and event-loop count as the gateway (one HTTP verticle per event loop, as the
 * gateway deploys), which reads each request body and answers the same-sized 202 without doing any
 * work. Whatever wrk measures against it is the most the gateway could reach here.
 *
 * <p>Usage: {@code java -cp seckill-load-test.jar io.seckill.loadtest.CeilingServer
 * --port 18090 --event-loops 2 --body-bytes 74 --header-bytes 140}
 */
public final class CeilingServer extends VerticleBase {
  private final int port;
  private final CeilingResponse answer;
  private final Buffer body;
  private HttpServer server;

  CeilingServer(int port, CeilingResponse answer) {
    this.port = port;
    this.answer = answer;
    this.body = Buffer.buffer(answer.body());
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"));
    return server.requestHandler(this::answer).listen();
  }

  private void answer(HttpServerRequest request) {
    // The gateway reads the whole body before deciding; so does the ceiling.
    request.body().onComplete(ignored -> request.response()
        .setStatusCode(202)
        .putHeader("content-type", CeilingResponse.CONTENT_TYPE)
        .putHeader("location", answer.location())
        .end(body));
  }

  /** Deploys {@code eventLoops} instances on a Vert.x with that many event loops; returns the bound port. */
  public static Future<Integer> start(Vertx vertx, int port, int eventLoops, CeilingResponse answer) {
    CeilingServer[] first = new CeilingServer[1];
    return vertx.deployVerticle(() -> {
          CeilingServer instance = new CeilingServer(port, answer);
          if (first[0] == null) {
            first[0] = instance;
          }
          return instance;
        }, new DeploymentOptions().setInstances(eventLoops))
        .map(id -> first[0].server.actualPort());
  }

  public static void main(String[] args) {
    CliArgs cli = new CliArgs(args);
    int eventLoops = cli.integer("--event-loops", Runtime.getRuntime().availableProcessors());
    CeilingResponse answer = CeilingResponse.matching(cli.integer("--body-bytes", 77), cli.integer("--header-bytes", 140));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    start(vertx, cli.integer("--port", 18090), eventLoops, answer)
        .onSuccess(bound -> System.out.println("ceiling-server: listening on 127.0.0.1:" + bound + " with "
            + eventLoops + " event loops, answer " + answer.headerBytes() + "+" + answer.bodyBytes() + " bytes"))
        .onFailure(e -> {
          System.err.println("ceiling-server: " + e.getMessage());
          System.exit(1);
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "ceiling-stop"));
  }
}
