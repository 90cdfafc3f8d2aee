package io.seckill.consumer;

import io.seckill.common.RunningService;
import io.seckill.common.config.ConfigException;
import io.seckill.common.config.Env;
import io.seckill.consumer.batch.BatchFaults;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: reads the configuration and starts the order consumer. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  /** Builds the configuration from {@code env} (throwing {@link ConfigException} naming a bad variable) and starts. */
  public static Future<RunningService> start(Env env) {
    if (env.optional("SECKILL_HTTP_PORT", null) != null) {
      // Not an error: a shared environment (run scripts, one ConfigMap for all services) may still carry it.
      LOG.warn("SECKILL_HTTP_PORT is not read by the order consumer: its only HTTP server is the management port, "
          + "SECKILL_MANAGEMENT_PORT");
    }
    return OrderConsumerService.start(OrderConsumerConfig.from(env), BatchFaults.NONE);
  }

  public static void main(String[] args) {
    RunningService service;
    try {
      service = start(Env.system()).await(60, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      System.err.println("seckill-order-consumer: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("order consumer failed to start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.stop().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("graceful stop incomplete: {}", e.getMessage());
      }
    }, "seckill-order-consumer-shutdown"));
  }
}
