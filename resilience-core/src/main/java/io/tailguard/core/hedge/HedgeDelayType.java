package io.tailguard.core.hedge;

/** How a {@link Hedger} decides when to send the next attempt. */
public enum HedgeDelayType {
  /** A constant delay before each hedge. */
  FIXED,
  /** A percentile of recent attempt latencies, from a windowed HdrHistogram. */
  PERCENTILE,
  /**
   * A delay learned online so that the share of calls that need a hedge matches the budget; see
   * {@link io.tailguard.core.hedge.AdaptiveDelay}.
   */
  ADAPTIVE,
  /** A delay that grows by a factor for each further hedge and lengthens while attempts fail. */
  BACKOFF
}
