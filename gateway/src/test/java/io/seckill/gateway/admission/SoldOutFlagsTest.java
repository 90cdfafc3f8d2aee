package io.seckill.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SoldOutFlagsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final SoldOutFlags flags = new SoldOutFlags(1000, now::get);

  @Test
  void aBuyerOfASoldOutSaleIsAnsweredWithTheOrderReadInTheSameLookup() {
    flags.markSoldOut(7);
    flags.buyersLoaded(7, flags.generation(7), Map.of("ann", "7-A"));

    SoldOutFlags.Lookup ann = flags.shopper(7, "ann");
    SoldOutFlags.Lookup bob = flags.shopper(7, "bob");

    assertThat(ann).isEqualTo(new SoldOutFlags.Lookup(SoldOutFlags.Knowledge.BUYER, "7-A"));
    assertThat(bob.knowledge()).isEqualTo(SoldOutFlags.Knowledge.LOSER);
    flags.clear(7);
    assertThat(flags.shopper(7, "ann").knowledge()).isEqualTo(SoldOutFlags.Knowledge.NOT_SOLD_OUT);
  }

  @Test
  void anExpiredFlagTakesItsBuyersSnapshotWithItSoTheNextSellOutLoadsTheNewBuyers() {
    flags.markSoldOut(7);
    flags.buyersLoaded(7, flags.generation(7), Map.of("ann", "7-A"));
    now.addAndGet(1001); // the restock broadcast was missed: the flag expires; a returned unit is sold to carl
    assertThat(flags.isSoldOut(7)).isFalse();

    flags.markSoldOut(7); // sold out again

    assertThat(flags.shopper(7, "carl").knowledge()).as("carl bought the returned unit; the old snapshot lacks him")
        .isEqualTo(SoldOutFlags.Knowledge.UNKNOWN);
    assertThat(flags.needsBuyers(7)).isTrue();
  }

  @Test
  void aBuyersLoadStartedForAnEarlierSellOutIsNotInstalledUnderALaterOne() {
    flags.markSoldOut(7);
    long first = flags.generation(7);
    flags.clear(7); // a restock while the load was on its way
    flags.markSoldOut(7);

    flags.buyersLoaded(7, first, Map.of("ann", "7-A"));

    assertThat(flags.needsBuyers(7)).as("the stale snapshot was dropped").isTrue();
    flags.buyersLoaded(7, flags.generation(7), Map.of("ann", "7-A", "carl", "7-C"));
    assertThat(flags.shopper(7, "carl")).isEqualTo(new SoldOutFlags.Lookup(SoldOutFlags.Knowledge.BUYER, "7-C"));
  }

  @Test
  void reMarkingALiveFlagKeepsItsSnapshot() {
    flags.markSoldOut(7);
    flags.buyersLoaded(7, flags.generation(7), Map.of("ann", "7-A"));
    long generation = flags.generation(7);
    now.addAndGet(500);

    flags.markSoldOut(7);

    assertThat(flags.generation(7)).isEqualTo(generation);
    assertThat(flags.shopper(7, "ann").orderId()).isEqualTo("7-A");
    now.addAndGet(900);
    assertThat(flags.isSoldOut(7)).as("extended by the second mark").isTrue();
  }

  @Test
  void soldOutFlagExpiresAndClears() {
    AtomicLong now = new AtomicLong(1000);
    SoldOutFlags flags = new SoldOutFlags(1000, now::get);
    flags.markSoldOut(7);
    assertThat(flags.isSoldOut(7)).isTrue();
    now.addAndGet(1000);
    assertThat(flags.isSoldOut(7)).isFalse();
    flags.markSoldOut(7);
    flags.clear(7);
    assertThat(flags.isSoldOut(7)).isFalse();
  }
}
