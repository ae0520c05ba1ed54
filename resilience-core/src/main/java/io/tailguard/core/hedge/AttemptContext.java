package io.tailguard.core.hedge;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What an attempt of a hedged call knows about itself: its number, the idempotency key it shares
 * with the other attempts of the same call (send it downstream so the dependency can recognise
 * duplicates), and whether it has been cancelled because the call already has its answer.
 *
 * <p>This class is thread-safe.
 */
public final class AttemptContext {

  private final String hedger;
  private final int attempt;
  private final CallKey key;
  private volatile boolean cancelled;

  AttemptContext(String hedger, int attempt, CallKey key) {
    this.hedger = hedger;
    this.attempt = attempt;
    this.key = key;
  }

  /**
   * Returns the attempt number: 0 for the primary, 1 for the first hedge, and so on.
   *
   * @return the attempt number
   */
  public int attempt() {
    return attempt;
  }

  /**
   * Returns whether this attempt is a hedge rather than the primary.
   *
   * @return {@code attempt() > 0}
   */
  public boolean isHedge() {
    return attempt > 0;
  }

  /**
   * Returns a random key, in UUID form, shared by every attempt of this call and unique to it.
   *
   * @return the idempotency key
   */
  public String idempotencyKey() {
    return key.get();
  }

  /**
   * Returns whether the call no longer needs this attempt: another attempt won, the call failed,
   * timed out, or its caller gave up. A long-running attempt may poll this to stop early.
   *
   * @return {@code true} once cancelled
   */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Returns the name of the hedger running the call.
   *
   * @return the hedger name
   */
  public String hedger() {
    return hedger;
  }

  void cancel() {
    cancelled = true;
  }

  @Override
  public String toString() {
    return "AttemptContext["
        + hedger
        + ", attempt "
        + attempt
        + (cancelled ? ", cancelled" : "")
        + "]";
  }

  /** The per-call key, made on first use so calls that never ask for it pay nothing. */
  static final class CallKey {
    private volatile String value;

    String get() {
      String v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
            long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
            v = new UUID(hi, lo).toString();
            value = v;
          }
        }
      }
      return v;
    }
  }
}
