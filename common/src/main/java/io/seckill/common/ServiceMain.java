package io.seckill.common;

import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of every service's {@code main}: start from the process environment, stop cleanly on shutdown (bounded),
 * exit 2 on a bad variable (the message names it) and 1 on any other failure to start.
 */
public final class ServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);
  private static final long START_TIMEOUT_S = 120;
  private static final long STOP_TIMEOUT_S = 60;

  private ServiceMain() {
  }

  /** @param name the process name in messages and the shutdown thread, e.g. {@code seckill-gateway} */
  public static void run(String name, Function<Env, Future<RunningService>> start) {
    RunningService service;
    try {
      service = start.apply(Env.system()).await(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      System.err.println(name + ": " + e.getMessage());
      System.exit(2);
      return;
    } catch (Throwable e) {
      LOG.error("{} failed to start", name, e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.stop().await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("{}: graceful stop incomplete: {}", name, e.toString());
      }
    }, name + "-stop"));
    LOG.info("{} listening on port {} (management port {})", name, service.httpPort(), service.managementPort());
  }
}
