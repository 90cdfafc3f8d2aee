package io.seckill.contract;

import java.util.Random;

/** One concurrent client of the randomised test: picks its next action from its own seeded generator until the deadline. */
final class Actor {
  private final Shoppers world;
  private final Random rng;
  private final long deadlineNanos;
  private final int index;

  Actor(Shoppers world, Random rng, long deadlineNanos, int index) {
    this.world = world;
    this.rng = rng;
    this.deadlineNanos = deadlineNanos;
    this.index = index;
  }

  void run() {
    while (System.nanoTime() < deadlineNanos) {
      int dice = rng.nextInt(100);
      try {
        if (dice < 35) {
          world.buy(rng);
        } else if (dice < 45) {
          world.duplicateBuy(rng);
        } else if (dice < 57) {
          world.cancel(rng);
        } else if (dice < 72) {
          world.pay(rng);
        } else if (dice < 78) {
          world.replayPayment(rng);
        } else if (dice < 86) {
          world.latePay(rng);
        } else {
          world.read(rng);
        }
      } catch (Exception e) {
        world.violation("actor " + index + " failed: " + e);
      }
    }
  }
}
