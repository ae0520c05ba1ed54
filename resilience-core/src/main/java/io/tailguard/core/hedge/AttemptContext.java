package io.tailguard.core.hedge;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What an attempt of a hedged call knows about itself: its number, the idempotency key it shares
 * with the other attempts of the same call (send it downstream so the dependency can recognise
 * duplicates), and whether it has been cancelled, and why.
 *
 * <p>This class is thread-safe.
 */
public final class AttemptContext {

  private final String hedger;
  private final int attempt;
  private final CallKey key;
  // Null while the attempt is wanted. Written once: a call cancels each attempt at most once.
  private volatile CancelReason cancelReason;

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
    return cancelReason != null;
  }

  /**
   * Returns why the call no longer needs this attempt. It is set before the attempt is interrupted
   * or its stage cancelled, so code that sees the attempt stop can tell a timeout (the dependency
   * did not answer in time: a failure) from a loss (another attempt answered: no outcome).
   *
   * @return the reason, or empty while the attempt is still wanted
   */
  public Optional<CancelReason> cancelReason() {
    return Optional.ofNullable(cancelReason);
  }

  /**
   * Returns the name of the hedger running the call.
   *
   * @return the hedger name
   */
  public String hedger() {
    return hedger;
  }

  /** Records why the attempt was cancelled. */
  void cancel(CancelReason reason) {
    cancelReason = reason;
  }

  @Override
  public String toString() {
    return "AttemptContext["
        + hedger
        + ", attempt "
        + attempt
        + (cancelReason != null ? ", cancelled: " + cancelReason : "")
        + "]";
  }

  /** Why a hedged call cancelled one of its attempts. Immutable and thread-safe. */
  public enum CancelReason {
    /** Another attempt of the call answered first; this one says nothing about the dependency. */
    ANOTHER_ATTEMPT_WON,
    /**
     * The call's timeout passed with no answer: the attempt counts as a failure of the dependency
     * (the hedger's own breaker records it so; a breaker inside the attempt should too).
     */
    TIMED_OUT,
    /** The call failed without this attempt: another attempt failed with a fatal exception. */
    CALL_FAILED,
    /** The caller gave up (an interrupt, a cancelled future) or the hedger was closed. */
    CALL_CANCELLED
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
