package io.tailguard.core.telemetry;

/** How a protected call ended. */
public enum CallOutcome {
  /** It returned an answer. */
  SUCCESS,
  /** It failed. */
  FAILURE,
  /** An engine refused it (open circuit, rate limit, budget). */
  REJECTED,
  /** It ran out of time. */
  TIMEOUT,
  /** Its caller gave up. */
  CANCELLED;

  /**
   * Returns whether the call counts as successful.
   *
   * @return {@code true} for {@link #SUCCESS}
   */
  public boolean isSuccess() {
    return this == SUCCESS;
  }
}
