package io.tailguard.core.circuitbreaker;

/** Why a {@link CircuitBreaker} changed state. */
public enum TransitionReason {
  /** The failure rate in the window reached {@code failureRateThreshold}. */
  FAILURE_RATE,
  /** The slow-call rate in the window reached {@code slowCallRateThreshold}. */
  SLOW_CALL_RATE,
  /** {@code consecutiveFailuresThreshold} calls failed in a row. */
  CONSECUTIVE_FAILURES,
  /**
   * The failure rate exceeded the learned baseline plus {@code sensitivity} standard deviations.
   */
  ADAPTIVE_THRESHOLD,
  /** The health score fell to {@code criticalHealthScore}. */
  HEALTH_CRITICAL,
  /** The open cooldown has passed; trial calls may go through. */
  COOLDOWN_ELAPSED,
  /** Enough trial calls succeeded. */
  TRIAL_SUCCEEDED,
  /** More than {@code halfOpenAllowedFailures} trial calls failed. */
  TRIAL_FAILED,
  /**
   * Every trial permit was taken and went unreported for {@code halfOpenTrialTimeout}; counted as
   * failed trials, they brought the failures above {@code halfOpenAllowedFailures}.
   */
  TRIAL_TIMED_OUT,
  /** An operator called {@code forceOpen()}. */
  FORCED_OPEN,
  /** An operator called {@code disable()}. */
  DISABLED,
  /** An operator called {@code close()}. */
  CLOSED_BY_OPERATOR,
  /** An operator called {@code reset()}. */
  RESET,
  /** The share of open component breakers crossed the global fuse's ratio (or fell below it). */
  GLOBAL_FUSE
}
