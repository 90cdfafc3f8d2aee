package io.seckill.common.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.order.OrderIds;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BucketTest {
  @Test
  void bucketZeroIsTheSalesOwnTagAndOtherBucketsHaveTheirOwn() {
    assertThat(Bucket.root(42).stock()).isEqualTo("seckill:{42}:stock");
    assertThat(RedisKeys.order("42-X")).isEqualTo(Bucket.root(42).order("42-X")).isEqualTo("seckill:{42}:order:42-X");
    assertThat(new Bucket(42, 3).stock()).isEqualTo("seckill:{42.3}:stock");
    assertThat(new Bucket(42, 3).order("42.3-X")).isEqualTo("seckill:{42.3}:order:42.3-X");
  }

  @Test
  void anOrderIdNamesTheBucketItWasTakenInAndIsStillAValidOrderId() {
    String unsplit = OrderIds.next(7);
    String inBucket5 = OrderIds.next(new Bucket(7, 5));

    assertThat(OrderIds.valid(unsplit)).isTrue();
    assertThat(OrderIds.valid(inBucket5)).isTrue();
    assertThat(inBucket5).startsWith("7.5-");
    assertThat(Bucket.of(unsplit)).isEqualTo(Bucket.root(7));
    assertThat(Bucket.of(inBucket5)).isEqualTo(new Bucket(7, 5));
    assertThat(OrderIds.saleIdOf(inBucket5)).isEqualTo(7);
    assertThat(RedisKeys.order(inBucket5)).isEqualTo("seckill:{7.5}:order:" + inBucket5);
  }

  @Test
  void orderIdsNamingNoPossibleBucketAreInvalid() {
    String tail = OrderIds.next(7).substring(2);
    assertThat(OrderIds.valid("7.0-" + tail)).as("bucket 0 has no suffix").isFalse();
    assertThat(OrderIds.valid("7.64-" + tail)).as("beyond MAX_BUCKETS").isFalse();
    assertThat(OrderIds.valid("7.63-" + tail)).isTrue();
    assertThat(OrderIds.valid("7.-" + tail)).isFalse();
    assertThat(OrderIds.valid("7.1.2-" + tail)).isFalse();
  }

  @Test
  void theHomeBucketIsStableAndSpreadsSequentialShoppersEvenly() {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 8_000; i++) {
      Bucket home = Bucket.home(99, "user-" + i, 8);
      assertThat(Bucket.home(99, "user-" + i, 8)).isEqualTo(home);
      counts.merge(home.index(), 1, Integer::sum);
    }
    assertThat(counts).hasSize(8);
    assertThat(counts.values()).allMatch(n -> n > 850 && n < 1_150, "within 15% of 1000");
    assertThat(Bucket.home(99, "anyone", 1)).isEqualTo(Bucket.root(99));
  }

  @Test
  void theWalkVisitsEveryBucketOnceStartingAtHome() {
    Bucket home = new Bucket(5, 2);
    assertThat(java.util.stream.IntStream.range(0, 4).mapToObj(step -> home.next(step, 4).index()))
        .containsExactly(2, 3, 0, 1);
  }
}
