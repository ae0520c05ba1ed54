package io.tailguard.core.retry;

/**
 * How a retry's backoff delay is randomised, so that clients which failed together do not retry
 * together. With {@code exp(n) = min(maxDelay, baseDelay * multiplier^(n-1))} the plain delay
 * before retry {@code n} (the formulas of M. Brooker, "Exponential Backoff and Jitter", AWS
 * Architecture Blog, 2015):
 *
 * <ul>
 *   <li>{@link #NONE}: {@code exp(n)};
 *   <li>{@link #FULL}: uniform in {@code [0, exp(n)]};
 *   <li>{@link #EQUAL}: {@code exp(n)/2} plus uniform in {@code [0, exp(n)/2]};
 *   <li>{@link #DECORRELATED}: {@code min(maxDelay, uniform in [baseDelay, 3 * previous])}, the
 *       previous delay starting at {@code baseDelay}; the multiplier is not used.
 * </ul>
 *
 * @see Backoff
 */
public enum Jitter {
  /** No randomness: the exponential delay itself. */
  NONE,
  /** Uniform between zero and the exponential delay: the least contention, the default. */
  FULL,
  /** Half the exponential delay, plus uniform up to the other half. */
  EQUAL,
  /** Uniform between the base and three times the previous delay, capped. */
  DECORRELATED
}
