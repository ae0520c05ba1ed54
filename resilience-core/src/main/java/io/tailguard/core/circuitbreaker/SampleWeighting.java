package io.tailguard.core.circuitbreaker;

/** How the buckets of the rolling window are weighted when rates are computed. */
public enum SampleWeighting {
  /** Every bucket in the window counts the same. */
  SLIDING,
  /**
   * A bucket {@code k} buckets old is weighted by {@code (1 - ewmaAlpha)^k}, so recent outcomes
   * dominate and an incident that has just begun trips the breaker sooner.
   */
  EXPONENTIAL
}
