package io.tailguard.core;

/**
 * The health of a component, from best to worst.
 *
 * <p>{@link #DEGRADED} sits between {@link #UP} and {@link #DOWN}: the component still serves but
 * is impaired (a half-open or open circuit breaker, a probe that failed once). Readiness checks may
 * act on it; liveness checks should not, or one ailing dependency restarts healthy processes.
 */
public enum HealthStatus {
  /** Working normally. */
  UP,
  /** Working, but impaired. */
  DEGRADED,
  /** Not working. */
  DOWN;

  /**
   * Returns the worse of two statuses.
   *
   * @param other the other status
   * @return the worse one
   */
  public HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
