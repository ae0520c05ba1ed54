package io.tailguard.core.retry;

import io.tailguard.core.internal.SecondWindow;
import io.tailguard.core.time.Clock;

/**
 * The retry budget of one {@link Retrier}: over a rolling window of {@link #WINDOW_SECONDS}
 * seconds, retries may be at most {@code budget * calls + minRetriesPerSecond * WINDOW_SECONDS}.
 * The idea and the defaults follow Finagle's {@code RetryBudget} and the SRE book ("Handling
 * Overload", ch. 21: a per-client retry budget of about 10%), so that a failing dependency sees at
 * most a tenth more load, not three times as much.
 *
 * <p>Calls and retries are counted in a {@link SecondWindow} of one-second buckets. The counts are
 * approximate at second boundaries and the check-then-grant of a retry is not atomic across
 * buckets, so concurrent retries may overshoot the budget by at most the number of threads racing;
 * neither error grows with time.
 *
 * <p>This class is thread-safe and lock-free except for one brief lock per bucket per second.
 */
final class RetryBudget {

  /** The window's length in seconds. */
  static final int WINDOW_SECONDS = 10;

  private static final int CALLS = 0;
  private static final int RETRIES = 1;

  private final SecondWindow window;

  RetryBudget(Clock clock) {
    this.window = new SecondWindow(clock, WINDOW_SECONDS, 2);
  }

  /** Counts a call. */
  void onCall() {
    window.increment(CALLS);
  }

  /**
   * Grants a retry if the policy's budget allows one more; a policy without a budget always grants
   * (the retry is still counted).
   */
  boolean tryAcquire(RetryPolicy policy) {
    if (policy.budget().isPresent()) {
      long[] sums = window.sums();
      double allowed =
          policy.budget().getAsDouble() * sums[0] + policy.minRetriesPerSecond() * WINDOW_SECONDS;
      if (sums[1] + 1 > allowed) {
        return false;
      }
    }
    window.increment(RETRIES);
    return true;
  }

  /** Returns {calls, retries} in the window. */
  long[] window() {
    return window.sums();
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
}
