package io.tailguard.core.retry;

import io.tailguard.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The retry budget of one {@link Retrier}: over a rolling window of {@link #WINDOW_SECONDS}
 * seconds, retries may be at most {@code budget * calls + minRetriesPerSecond * WINDOW_SECONDS}.
 * The idea and the defaults follow Finagle's {@code RetryBudget} and the SRE book ("Handling
 * Overload", ch. 21: a per-client retry budget of about 10%), so that a failing dependency sees at
 * most a tenth more load, not three times as much.
 *
 * <p>The window is a ring of {@link #BUCKETS} one-second buckets, each holding the calls started
 * and the retries granted in its second. A bucket is claimed for a new second under its own monitor
 * (the reset of its two counters and the write of its epoch happen together); counting and summing
 * take no lock. {@code epoch} is volatile: a reader that sees an epoch sees the reset that preceded
 * it. The counts are approximate at second boundaries (an increment racing with a reset may land in
 * either second) and the check-then-grant of a retry is not atomic across buckets, so concurrent
 * retries may overshoot the budget by at most the number of threads racing; neither error grows
 * with time.
 *
 * <p>This class is thread-safe and lock-free except for one brief lock per bucket per second.
 */
final class RetryBudget {

  /** The window's length in seconds. */
  static final int WINDOW_SECONDS = 10;

  /** One bucket per second of the window. */
  static final int BUCKETS = WINDOW_SECONDS;

  private static final long BUCKET_NANOS = 1_000_000_000L;

  private final Clock clock;
  // Time is measured from here, so that any origin of nanoTime() works.
  private final long originNanos;
  private final Bucket[] buckets = new Bucket[BUCKETS];

  RetryBudget(Clock clock) {
    this.clock = clock;
    this.originNanos = clock.nanoTime();
    for (int i = 0; i < BUCKETS; i++) {
      buckets[i] = new Bucket();
    }
  }

  /** Counts a call. */
  void onCall() {
    long e = epoch();
    current(e).calls.incrementAndGet();
  }

  /**
   * Grants a retry if the policy's budget allows one more; a policy without a budget always grants
   * (the retry is still counted).
   */
  boolean tryAcquire(RetryPolicy policy) {
    long e = epoch();
    if (policy.budget().isPresent()) {
      long[] sums = sums(e);
      double allowed =
          policy.budget().getAsDouble() * sums[0] + policy.minRetriesPerSecond() * WINDOW_SECONDS;
      if (sums[1] + 1 > allowed) {
        return false;
      }
    }
    current(e).retries.incrementAndGet();
    return true;
  }

  /** Returns {calls, retries} in the window. */
  long[] window() {
    return sums(epoch());
  }

  /** Returns how many more retries the policy's budget allows now. */
  double available(RetryPolicy policy) {
    if (policy.budget().isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    long[] sums = window();
    double allowed =
        policy.budget().getAsDouble() * sums[0] + policy.minRetriesPerSecond() * WINDOW_SECONDS;
    return Math.max(0, allowed - sums[1]);
  }

  private long epoch() {
    return Math.floorDiv(clock.nanoTime() - originNanos, BUCKET_NANOS);
  }

  private Bucket current(long e) {
    Bucket b = buckets[(int) Math.floorMod(e, (long) BUCKETS)];
    if (b.epoch < e) {
      synchronized (b) {
        if (b.epoch < e) {
          b.calls.set(0);
          b.retries.set(0);
          b.epoch = e;
        }
      }
    }
    return b;
  }

  private long[] sums(long e) {
    long calls = 0;
    long retries = 0;
    for (Bucket b : buckets) {
      long age = e - b.epoch;
      if (age >= 0 && age < BUCKETS) {
        calls += b.calls.get();
        retries += b.retries.get();
      }
    }
    return new long[] {calls, retries};
  }

  /** One second of the window. */
  private static final class Bucket {
    // The second this bucket counts; written under the bucket's monitor after the reset.
    volatile long epoch = Long.MIN_VALUE;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
  }
}
