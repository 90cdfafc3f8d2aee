package io.seckill.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (broker and controller in one KRaft process) running inside this JVM,
 * on fixed free ports, in a temporary directory. It can be stopped and started again on the same
 * ports and log directory, which is what the fault tests need.
 *
 * <p>{@link #startWithProxiedListener(int)} adds a second listener, {@code PROXIED}, for clients that
 * go through a fault proxy: Kafka clients connect to the address the broker advertises after
 * bootstrap, so that listener advertises the proxy's port while binding a port of its own, the one
 * the proxy forwards to. The {@code PLAINTEXT} listener stays for direct clients.
 *
 * <p>{@link #startWithScramListener()} adds a {@code SASL} listener (SASL_PLAINTEXT, SCRAM-SHA-512) and turns on
 * the StandardAuthorizer: clients there need SCRAM credentials and ACLs, as on the Strimzi cluster. The
 * {@code PLAINTEXT} listener stays as the test's own admin door: its principal, {@code User:ANONYMOUS}, is a super
 * user (the broker and the controller talk over it too), and so is {@link #SCRAM_ADMIN} on the SASL listener.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;
  private final int proxiedListenerPort;
  private final int proxyPort;
  private final int scramPort;
  private KafkaRaftServer server;

  /** The super user of a broker with the SCRAM listener (create its credentials with the Admin API, as any user's). */
  public static final String SCRAM_ADMIN = "seckill-test-admin";

  private KafkaBroker(Path logDir, int brokerPort, int controllerPort, int proxiedListenerPort, int proxyPort,
                      int scramPort) {
    this.scramPort = scramPort;
    this.logDir = logDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.proxiedListenerPort = proxiedListenerPort;
    this.proxyPort = proxyPort;
  }

  /** Formats a fresh log directory with {@code kafka.tools.StorageTool} and starts the broker (about 2 s). */
  public static KafkaBroker start() {
    return start(0, 0);
  }

  /**
   * Starts a broker that also has the {@code PROXIED} listener, on a free port of its own, advertised
   * as {@code 127.0.0.1:proxyPort}. Start the proxy on {@code proxyPort}, forwarding to
   * {@link #proxiedListenerPort()}, and bootstrap proxied clients on {@link #proxiedBootstrap()}.
   */
  public static KafkaBroker startWithProxiedListener(int proxyPort) {
    if (proxyPort < 1 || proxyPort > 65535) {
      throw new IllegalArgumentException("proxyPort must be a TCP port (1-65535): " + proxyPort);
    }
    return start(Ports.freePort(), proxyPort);
  }

  /** Starts a broker that also has the SCRAM-SHA-512 {@code SASL} listener, with ACLs enforced (see the class javadoc). */
  public static KafkaBroker startWithScramListener() {
    return start(0, 0, Ports.freePort());
  }

  private static KafkaBroker start(int proxiedListenerPort, int proxyPort) {
    return start(proxiedListenerPort, proxyPort, 0);
  }

  private static KafkaBroker start(int proxiedListenerPort, int proxyPort, int scramPort) {
    try {
      Path dir = Files.createTempDirectory("seckill-kafka-");
      KafkaBroker broker = new KafkaBroker(dir, Ports.freePort(), Ports.freePort(), proxiedListenerPort, proxyPort,
          scramPort);
      broker.format();
      broker.startServer();
      return broker;
    } catch (IOException e) {
      throw new IllegalStateException("could not create the Kafka log directory", e);
    }
  }

  /** The direct {@code PLAINTEXT} listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** The port the {@code PROXIED} listener binds: where the fault proxy forwards to. */
  public int proxiedListenerPort() {
    requireProxiedListener();
    return proxiedListenerPort;
  }

  /** The address the {@code PROXIED} listener advertises, the proxy's: bootstrap for proxied clients. */
  public String proxiedBootstrap() {
    requireProxiedListener();
    return "127.0.0.1:" + proxyPort;
  }

  private void requireProxiedListener() {
    if (proxiedListenerPort == 0) {
      throw new IllegalStateException("this broker has no PROXIED listener: start it with startWithProxiedListener");
    }
  }

  /** The SCRAM-SHA-512 listener (SASL_PLAINTEXT). */
  public String scramBootstrap() {
    if (scramPort == 0) {
      throw new IllegalStateException("this broker has no SASL listener: start it with startWithScramListener");
    }
    return "127.0.0.1:" + scramPort;
  }

  public synchronized boolean running() {
    return server != null;
  }

  /** Stops the broker, keeping its data, as a crashed or restarted broker would. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
      LOG.info("Kafka broker on {} stopped", bootstrapServers());
    }
  }

  /** Starts the broker again on the same ports and data after {@link #stop()}. */
  public synchronized void restart() {
    if (server == null) {
      startServer();
    }
  }

  public void createTopic(String name, int partitions) {
    KafkaAdmin.createTopic(bootstrapServers(), name, partitions);
  }

  @Override
  public synchronized void close() {
    stop();
    deleteRecursively(logDir);
  }

  private void format() throws IOException {
    Path config = logDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      properties().store(out, "seckill in-process KRaft broker");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit = StorageTool.execute(new String[] {"format", "--cluster-id", "c2Vja2lsbC1sb2NhbC0x",
        "--config", config.toString(), "--standalone", "--ignore-formatted"},
        new PrintStream(output, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IllegalStateException("kafka-storage format failed (" + exit + "): " + output);
    }
  }

  private void startServer() {
    long started = System.nanoTime();
    server = new KafkaRaftServer(KafkaConfig.fromProps(properties(), false), Time.SYSTEM);
    server.startup();
    waitUntilServing();
    LOG.info("Kafka broker on {} started in {} ms", bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void waitUntilServing() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(conf)) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception notYet) {
          Ports.pause(100);
        }
      }
    }
    throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " did not start within 60 s");
  }

  private Properties properties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    String listeners = "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort;
    String advertised = "PLAINTEXT://127.0.0.1:" + brokerPort;
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (proxiedListenerPort != 0) {
      // Metadata answers name the listener a request came in on, so proxied clients stay on the proxy.
      listeners += ",PROXIED://127.0.0.1:" + proxiedListenerPort;
      advertised += ",PROXIED://127.0.0.1:" + proxyPort;
      protocols += ",PROXIED:PLAINTEXT";
    }
    if (scramPort != 0) {
      listeners += ",SASL://127.0.0.1:" + scramPort;
      advertised += ",SASL://127.0.0.1:" + scramPort;
      protocols += ",SASL:SASL_PLAINTEXT";
      p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
      p.put("listener.name.sasl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
      p.put("listener.name.sasl.scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      p.put("super.users", "User:ANONYMOUS;User:" + SCRAM_ADMIN);
      p.put("allow.everyone.if.no.acl.found", "false");
    }
    p.put("listeners", listeners);
    p.put("advertised.listeners", advertised);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", protocols);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.resolve("data").toString());
    p.put("num.partitions", "4");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    p.put("log.flush.interval.messages", "1000000");
    // A single co-located broker (development, tests, the bench) shares a small machine's cores with the services:
    // Kafka's defaults (3 network and 8 I/O threads) are sized for a server of its own, and each extra thread here
    // is another wake-up per produce request.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    return p;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
