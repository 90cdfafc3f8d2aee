package io.seckill.stock.sale;

import io.seckill.common.redis.Bucket;
import java.util.ArrayList;
import java.util.List;

/**
 * What warmup.lua gets for one bucket of a sale. {@link #keys()} and {@link #toArgv()} follow the header of
 * {@code common/src/main/resources/lua/warmup.lua} line by line, which is the contract: a change to one is a change
 * to the other.
 *
 * @param force   rebuild even while the sale is live (bucket 0 decides; the others always force)
 * @param version the bucket's version, read before the database snapshot
 * @param rows    the snapshot's part of this bucket: buyers, returns, pending rows, spilled pointers
 * @param blocked the whole blocklist (every bucket holds all of it)
 */
record WarmupArgs(Sale sale, Bucket bucket, boolean force, String version, WarmupSnapshot.BucketRows rows,
                  List<String> blocked) {

  /** Bucket i's even share of {@code remaining}; the first {@code remaining % n} buckets get one more. */
  static int share(int remaining, int buckets, int index) {
    return remaining / buckets + (index < remaining % buckets ? 1 : 0);
  }

  /** KEYS[1..8]: stock, meta, buyers, pending, returned, spilled, version, blocked; all under the bucket's tag. */
  List<String> keys() {
    Bucket b = bucket;
    return List.of(b.stock(), b.meta(), b.buyers(), b.pending(), b.returned(), b.spilled(), b.version(), b.blocked());
  }

  List<String> toArgv() {
    List<String> argv = new ArrayList<>();
    argv.add(force ? "1" : "0"); // ARGV[1]  force
    argv.add(bucket.tag()); // ARGV[2]  key prefix
    argv.add(Long.toString(sale.startsAt().toEpochMilli())); // ARGV[3]  startsAt
    // The operator's end travels as the effective endsAt, the pause in ARGV[13].
    argv.add(Long.toString(sale.endsAt().toEpochMilli())); // ARGV[4]  endsAt
    argv.add(Integer.toString(sale.perUserLimit())); // ARGV[5]  perUserLimit
    argv.add(sale.requireToken() ? "1" : "0"); // ARGV[6]  requireToken
    argv.add(Long.toString(sale.priceCents())); // ARGV[7]  priceCents
    argv.add(sale.itemName()); // ARGV[8]  itemName
    argv.add(Integer.toString(sale.paymentTimeoutS())); // ARGV[9]  paymentTimeoutS
    // ARGV[10] DB remaining: this bucket's share of it
    argv.add(Integer.toString(share(sale.remaining(), sale.stockBuckets(), bucket.index())));
    argv.add(Integer.toString(sale.stockBuckets())); // ARGV[11] buckets
    argv.add(version); // ARGV[12] version
    argv.add(sale.paused() ? "1" : "0"); // ARGV[13] paused
    counted(argv, rows.buyerPairs(), 2); // ARGV[14] n, n pairs
    counted(argv, rows.returned(), 1); // then m, m ids
    counted(argv, rows.persistedPending(), 1); // then p, p ids
    counted(argv, rows.spilledPairs(), 2); // then s, s pairs
    counted(argv, blocked, 1); // then k, k user ids
    // then the proof-of-work difficulty (0: no challenge)
    argv.add(sale.challengeDifficulty() == null ? "0" : Integer.toString(sale.challengeDifficulty()));
    return argv;
  }

  /** A count, then the items: {@code perItem} strings make one counted item (2 for userId, orderId pairs). */
  private static void counted(List<String> argv, List<String> items, int perItem) {
    argv.add(Integer.toString(items.size() / perItem));
    argv.addAll(items);
  }
}
