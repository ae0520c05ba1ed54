package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.HedgeMetrics;

/**
 * The counters of a hedger that the report uses, read at one moment: totals since the hedger was
 * created, plus the delay it would wait now.
 *
 * @param hedged whether there is a hedger at all ({@code false} for the policy "none")
 * @param calls calls ended
 * @param hedges extra attempts started (delay timers and retries after failures alike)
 * @param hedgeWins calls answered by a hedge
 * @param budgetExhausted hedges refused by the budget
 * @param delayNanos the delay before the next first hedge
 */
record Counters(
    boolean hedged,
    long calls,
    long hedges,
    long hedgeWins,
    long budgetExhausted,
    long delayNanos) {

  /** The counters of the policy without a hedger. */
  static final Counters UNHEDGED = new Counters(false, 0, 0, 0, 0, 0);

  /**
   * Reads a hedger's metrics.
   *
   * @param m the metrics
   * @return the counters
   */
  static Counters of(HedgeMetrics m) {
    return new Counters(
        true, m.calls(), m.hedges(), m.hedgeWins(), m.budgetExhausted(), m.currentDelayNanos());
  }

  /**
   * Returns extra attempts per call between {@code earlier} and this reading.
   *
   * @param earlier the earlier reading
   * @return the share, 0 without a hedger or without calls
   */
  double extraSince(Counters earlier) {
    long c = calls - earlier.calls;
    return c <= 0 ? 0 : (double) (hedges - earlier.hedges) / c;
  }
}
