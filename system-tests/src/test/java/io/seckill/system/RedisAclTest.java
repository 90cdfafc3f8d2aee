package io.seckill.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.seckill.common.db.PgUrls;
import io.seckill.common.redis.Bucket;
import io.seckill.infra.Invariants;
import io.seckill.infra.LocalInfra;
import io.seckill.testing.RedisAclUsers;
import io.seckill.testing.SeckillSystem;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.AccessControlLogEntry;

/**
 * The Redis ACL users of k8s/base/data/redis-acl.conf, applied to the local Redis under names unique to this run,
 * with each service connected as its own user: a purchase, its persistence, a payment, a cancel, a warm-up and a
 * reconciliation all work, and no command of theirs is refused (the ACL log holds nothing for them, so a fail-open
 * path cannot hide a refusal). Each user is refused the dangerous commands and keys outside {@code seckill:*}.
 */
class RedisAclTest {
  private static final String GATEWAY = "seckill-gateway";
  private static final String CONSUMER = "seckill-order-consumer";
  private static final String STOCK = "seckill-stock-service";
  private static URI redisUri;
  private static RedisAclUsers users;
  private static SeckillSystem system;

  @BeforeAll
  static void startEachServiceAsItsOwnAclUser() throws Exception {
    redisUri = URI.create(LocalInfra.shared().redisUrl());
    users = RedisAclUsers.create(List.of(() -> new Jedis(redisUri)));
    system = SeckillSystem.start("redis-acl", Map.of(
            // Only the test's explicit reconcile call heals Redis.
            "SECKILL_RECONCILE_INTERVAL_MS", "3600000"),
        Map.of(SeckillSystem.STOCK, users.user(STOCK).env(),
            SeckillSystem.CONSUMER, users.user(CONSUMER).env(),
            SeckillSystem.GATEWAY, users.user(GATEWAY).env()), 2, 1, 1);
  }

  @AfterAll
  static void stopAndDeleteTheUsers() {
    try {
      if (system != null) {
        system.close();
      }
    } finally {
      if (users != null) {
        users.close();
      }
    }
  }

  @Test
  void eachServiceRunsAPurchasePaymentCancelWarmUpAndReconciliationAsItsOwnUserWithNothingRefused() throws Exception {
    long saleId = system.createOpenSale(5);
    String payer = buy(saleId, "acl-payer");
    String canceller = buy(saleId, "acl-canceller");
    awaitStatus("acl-payer", payer, "PENDING_PAYMENT");
    awaitStatus("acl-canceller", canceller, "PENDING_PAYMENT");

    HttpResponse<String> paid = system.paymentCallback("pay-acl-" + saleId, payer, SeckillSystem.PRICE_CENTS);
    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    awaitStatus("acl-payer", payer, "PAID");
    HttpResponse<String> cancelled = system.cancel("acl-canceller", canceller);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    awaitStatus("acl-canceller", canceller, "CANCELLED");

    HttpResponse<String> warm = system.admin("/admin/v1/sales/" + saleId + "/warmup?force=true", null);
    assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
    HttpResponse<String> reconciled = system.admin("/admin/v1/sales/" + saleId + "/reconcile", null);
    assertThat(reconciled.statusCode()).as(reconciled.body()).isEqualTo(200);

    assertThat(rowStatuses(saleId)).containsExactlyInAnyOrderEntriesOf(Map.of(payer, "PAID", canceller, "CANCELLED"));
    try (Jedis admin = new Jedis(redisUri)) {
      // One paid unit sold, the cancelled one back in stock.
      assertThat(admin.get(Bucket.root(saleId).stock())).isEqualTo("4");
      Set<String> connected = admin.clientList().lines().map(l -> field(l, "user")).collect(Collectors.toSet());
      assertThat(connected).as("each service connected as its own user")
          .contains(users.user(GATEWAY).name(), users.user(CONSUMER).name(), users.user(STOCK).name());
      Set<String> ours = users.all().stream().map(RedisAclUsers.User::name).collect(Collectors.toSet());
      List<String> refusals = admin.aclLog().stream().filter(e -> ours.contains(e.getUsername()))
          .map(RedisAclTest::describe).toList();
      assertThat(refusals).as("commands the ACL refused to the services").isEmpty();
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Invariants.check(system.pgUrl(), system.redisUrl(), saleId, List.of(payer, canceller)).holds()).isTrue());
  }

  @Test
  void everyServiceUserIsRefusedAdminCommandsAndKeysOrChannelsOutsideItsPatterns() throws Exception {
    // Users of its own: their refusals must not show in the ACL log of the services' users.
    try (RedisAclUsers probes = RedisAclUsers.create(List.of(() -> new Jedis(redisUri)))) {
      for (String name : List.of(GATEWAY, CONSUMER, STOCK)) {
        assertRefusals(name, probes.user(name));
      }
    }
  }

  private static void assertRefusals(String name, RedisAclUsers.User user) {
    try (Jedis jedis = new Jedis(redisUri)) {
      jedis.auth(user.name(), user.password());
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.set("seckill:{acl-probe}:" + name, "1")).isEqualTo("OK");
      jedis.del("seckill:{acl-probe}:" + name);
      assertNoPerm(name + " CONFIG GET", () -> jedis.configGet("maxmemory"));
      assertNoPerm(name + " KEYS", () -> jedis.keys("*"));
      assertNoPerm(name + " ACL", () -> jedis.aclList());
      // Never sent for real to the shared Redis (a broken rule would flush or stop it for everyone): ACL DRYRUN,
      // run as the shared Redis's admin, says whether the user may run them.
      for (List<String> command : List.of(List.of("FLUSHALL"), List.of("FLUSHDB"), List.of("DEBUG", "SLEEP", "0"),
          List.of("SHUTDOWN", "NOSAVE"), List.of("MODULE", "LIST"), List.of("CONFIG", "SET", "maxmemory", "1"),
          List.of("ACL", "SETUSER", "x"), List.of("SCRIPT", "FLUSH"), List.of("SCRIPT", "KILL"))) {
        assertThat(dryRun(user.name(), command)).as(name + " " + command).contains("no permissions");
      }
      assertNoPerm(name + " EVAL", () -> jedis.eval("return 1", 0));
      assertNoPerm(name + " a write outside seckill:*", () -> jedis.set("other:acl-probe", "1"));
      assertNoPerm(name + " a read outside seckill:*", () -> jedis.get("other:acl-probe"));
      assertNoPerm(name + " a publish outside seckill:restock", () -> jedis.publish("other:channel", "1"));
    }
  }

  private static redis.clients.jedis.commands.ProtocolCommand command(String name) {
    return () -> redis.clients.jedis.util.SafeEncoder.encode(name);
  }

  private static String dryRun(String user, List<String> command) {
    try (Jedis admin = new Jedis(redisUri)) {
      List<String> args = new java.util.ArrayList<>(List.of("DRYRUN", user));
      args.addAll(command);
      Object answer = admin.sendCommand(command("ACL"), args.toArray(String[]::new));
      return answer instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(answer);
    }
  }

  private static void assertNoPerm(String what, Runnable call) {
    assertThatThrownBy(call::run).as(what).isInstanceOf(JedisDataException.class).hasMessageContaining("NOPERM");
  }

  private static String buy(long saleId, String user) throws Exception {
    HttpResponse<String> bought = system.buy(saleId, user);
    assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
    return new JsonObject(bought.body()).getString("orderId");
  }

  private static void awaitStatus(String user, String orderId, String status) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> read = system.order(user, orderId);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(new JsonObject(read.body()).getString("status")).isEqualTo(status);
    });
  }

  private static Map<String, String> rowStatuses(long saleId) throws Exception {
    try (Connection c = DriverManager.getConnection(PgUrls.toJdbc(system.pgUrl()));
         PreparedStatement s = c.prepareStatement("SELECT order_id, status FROM orders WHERE sale_id = ?")) {
      s.setLong(1, saleId);
      Map<String, String> statuses = new java.util.HashMap<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          statuses.put(rs.getString(1), rs.getString(2));
        }
      }
      return statuses;
    }
  }

  private static String field(String clientListLine, String name) {
    for (String pair : clientListLine.split(" ")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static String describe(AccessControlLogEntry e) {
    return e.getUsername() + " " + e.getReason() + " " + e.getObject() + " (" + e.getContext() + ")";
  }
}
