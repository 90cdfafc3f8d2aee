package io.seckill.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/** What {@link RedisClusterHarness} asks of one local node: redis-cli, its slots, its state, a free port pair. */
public final class RedisNodes {
  /** Every local node binds and announces this address. */
  public static final String LOCAL_HOST = "127.0.0.1";
  /** A node's cluster bus listens on its port + 10000. */
  static final int BUS_OFFSET = 10_000;
  private static final int LOWEST_PORT = 20_000;
  /** So that the bus port stays below 32768 too. */
  private static final int PORT_LIMIT = 32_768 - BUS_OFFSET;

  private RedisNodes() {
  }

  /** redis-cli against one local node; its output, error replies included. */
  public static String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", LOCAL_HOST, "-p", String.valueOf(port)));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the node's own line of CLUSTER NODES lists a slot range containing the slot. */
  static boolean servesSlot(int port, int slot) {
    try (Jedis jedis = new Jedis(LOCAL_HOST, port)) {
      for (String line : jedis.clusterNodes().split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 3 || !fields[2].contains("myself")) {
          continue;
        }
        for (int f = 8; f < fields.length; f++) {
          if (fields[f].startsWith("[")) {
            continue; // a slot being migrated
          }
          String[] range = fields[f].split("-");
          int low = Integer.parseInt(range[0]);
          int high = range.length > 1 ? Integer.parseInt(range[1]) : low;
          if (slot >= low && slot <= high) {
            return true;
          }
        }
      }
      return false;
    }
  }

  static boolean clusterOk(int port) {
    try (Jedis jedis = new Jedis(LOCAL_HOST, port)) {
      return jedis.clusterInfo().contains("cluster_state:ok");
    } catch (RuntimeException e) {
      return false;
    }
  }

  static Path require(String binary) {
    Path path = RedisResolver.onPath(binary);
    if (path == null) {
      throw new IllegalStateException(binary + " is not on the PATH; the Redis Cluster tests need redis-server and "
          + "redis-cli (apt-get install redis-server, or brew install redis)");
    }
    return path;
  }

  /** {@code count} ports whose bus port (+10000) is free too, all below 32768. */
  static List<Integer> freePorts(int count) {
    List<Integer> ports = new ArrayList<>();
    for (int attempt = 0; ports.size() < count; attempt++) {
      if (attempt > 1000) {
        throw new IllegalStateException("no " + count + " free port pairs (port, port + " + BUS_OFFSET + ") below 32768");
      }
      int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, PORT_LIMIT);
      if (!ports.contains(port) && bindable(port) && bindable(port + BUS_OFFSET)) {
        ports.add(port);
      }
    }
    return ports;
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOCAL_HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
