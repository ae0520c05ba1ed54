package io.tailguard.core.circuitbreaker;

/**
 * The states of a {@link CircuitBreaker}. The {@link #code()} of each is the value of the {@code
 * resilience_circuitbreaker_state} gauge.
 */
public enum CircuitState {
  /** Calls pass and their outcomes are counted; too many failures open the breaker. */
  CLOSED(0),
  /** Calls are rejected until the cooldown has passed. */
  OPEN(1),
  /** A few trial calls pass; their outcomes decide between closing and opening again. */
  HALF_OPEN(2),
  /** Opened by an operator: every call is rejected until {@code close()} or {@code reset()}. */
  FORCED_OPEN(3),
  /** Switched off by an operator: every call passes and nothing is counted toward a trip. */
  DISABLED(4);

  private final int code;

  CircuitState(int code) {
    this.code = code;
  }

  /**
   * Returns the numeric code exported as the state gauge.
   *
   * @return 0 closed, 1 open, 2 half-open, 3 forced-open, 4 disabled
   */
  public int code() {
    return code;
  }

  /**
   * Returns whether calls are refused in this state because of it, that is OPEN or FORCED_OPEN.
   *
   * @return {@code true} for the open states
   */
  public boolean isOpen() {
    return this == OPEN || this == FORCED_OPEN;
  }
}
