package io.seckill.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.order.OrderIds;
import io.seckill.common.redis.Bucket;
import io.seckill.common.redis.RedisKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Every Lua script touches one cluster slot: each KEYS entry its header documents carries the sale's
 * hash tag, and every key RedisKeys builds for one sale hashes to the same slot. (The cluster tests
 * then run each script against a real cluster, where a cross-slot call would be refused.)
 */
class ScriptSlotTest {
  private static final Pattern DECLARED_KEY = Pattern.compile("^\\s*(?:--)?\\s*KEYS\\[\\d+]\\s+(\\S+)", Pattern.MULTILINE);

  @ParameterizedTest
  @ValueSource(strings = {"reserve", "release", "persisted", "return", "warmup", "reconcile_stock", "pending_orders", "spill",
      "sale_control", "blocklist"})
  void everyKeyAScriptDeclaresCarriesTheSalesHashTag(String script) throws IOException {
    String source = read("/lua/" + script + ".lua");
    Matcher keys = DECLARED_KEY.matcher(source);
    List<String> declared = keys.results().map(m -> m.group(1)).toList();

    assertThat(declared).as("KEYS documented in %s.lua", script).isNotEmpty()
        .allMatch(key -> key.startsWith("seckill:{saleId}:"), "starts with seckill:{saleId}:");
    // Keys a script builds itself (warmup reads order hashes) are built from the tag prefix passed in ARGV.
    List<String> built = source.lines().filter(line -> !line.trim().startsWith("--") && line.contains(".. 'order:'"))
        .collect(Collectors.toList());
    assertThat(built).allMatch(line -> line.contains("ARGV[2] .. 'order:'"), "built from the tag prefix");
  }

  @Test
  void everyKeyOfOneSaleHashesToTheSameSlotAndOtherSalesSpreadOverSlots() {
    long saleId = 123_456_789L;
    List<String> keys = List.of(Bucket.root(saleId).stock(), Bucket.root(saleId).meta(), Bucket.root(saleId).buyers(),
        Bucket.root(saleId).pending(), Bucket.root(saleId).returned(), Bucket.root(saleId).token("t0k3n"),
        RedisKeys.order(saleId + "-01J0000000000000000000000"), RedisKeys.idempotency(saleId, "u", "k"));

    assertThat(keys.stream().map(JedisClusterCRC16::getSlot).distinct()).hasSize(1);
    assertThat(List.of(1L, 2L, 3L, 4L).stream().map(id -> JedisClusterCRC16.getSlot(Bucket.root(id).stock())).distinct())
        .hasSizeGreaterThan(1);
  }

  @Test
  void everyKeyOfOneStockBucketSharesASlotAndTheBucketsOfOneSaleSpreadOverSlots() {
    long saleId = 987_654_321L;
    for (Bucket b : Bucket.all(saleId, 8)) {
      String orderId = OrderIds.next(b);
      List<String> keys = List.of(b.stock(), b.meta(), b.buyers(), b.spilled(), b.pending(), b.returned(), b.blocked(),
          b.token("t0k3n"), b.order(orderId), RedisKeys.order(orderId));
      assertThat(keys.stream().map(JedisClusterCRC16::getSlot).distinct()).as("bucket %d", b.index()).hasSize(1);
    }
    // Eight buckets of one sale land on several of the 16384 slots (and so on several shards).
    assertThat(Bucket.all(saleId, 8).stream().map(b -> JedisClusterCRC16.getSlot(b.stock())).distinct().count())
        .isGreaterThanOrEqualTo(7);
    // Bucket 0 is the sale's own tag: an unsplit sale keeps the keys it always had.
    assertThat(Bucket.root(saleId).stock()).isEqualTo(Bucket.root(saleId).stock());
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = RedisKeys.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
