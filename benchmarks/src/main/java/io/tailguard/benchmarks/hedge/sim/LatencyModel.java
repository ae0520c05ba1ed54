package io.tailguard.benchmarks.hedge.sim;

/**
 * How long a simulated backend takes to answer one attempt. A pure function of the request, the
 * attempt and the time it starts: the same inputs always give the same answer, so every policy
 * meets the same backend.
 *
 * <p>Implementations are immutable and thread-safe.
 */
interface LatencyModel {

  /** The duration that stands for an instant failure. */
  long FAILURE = -1;

  /**
   * Returns the duration of an attempt.
   *
   * @param request the request's index
   * @param attempt 0 for the primary, 1 for the first hedge, ...
   * @param startNanos when the attempt starts (or enters service), since the run's origin
   * @return the duration in nanoseconds, at least 1, or {@link #FAILURE}
   */
  long durationNanos(long request, int attempt, long startNanos);
}
