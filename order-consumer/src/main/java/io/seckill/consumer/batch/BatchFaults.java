package io.seckill.consumer.batch;

/**
 * Test-only fault injection into the poll loop, off in production ({@link #NONE}; {@code Main}
 * never installs another). A hook may throw {@link SimulatedCrash} to stop the loop hard, as a
 * killed process would: no offset commit, no Redis write, consumer closed.
 */
public interface BatchFaults {
  BatchFaults NONE = () -> { };

  /** Runs right after a batch's PostgreSQL transaction committed, before the offsets are committed. */
  void afterDatabaseCommit();

  /** Thrown by a hook to end the poll loop as if the process died at that point. */
  public final class SimulatedCrash extends RuntimeException {
    public SimulatedCrash(String where) {
      super("simulated crash " + where, null, false, false);
    }
  }
}
