package io.tailguard.core.health;

/**
 * Why a probe's status is what it is: the outcome of its last run, or a change of settings. Carried
 * by {@link HealthEvent}s and {@link ProbeReport#lastReason()}.
 */
public enum HealthReason {
  /** The check returned UP. A success. */
  PROBE_UP(false),
  /** The check returned DEGRADED. A success: the dependency answers, impaired. */
  PROBE_DEGRADED(false),
  /** The check returned DOWN. A failure. */
  PROBE_DOWN(true),
  /** The check threw, or returned {@code null}. A failure. */
  PROBE_ERROR(true),
  /** The check gave no result within its timeout; its thread was interrupted. A failure. */
  TIMEOUT(true),
  /**
   * A run was due while the previous run, already timed out, was still going (its check ignored the
   * interrupt). The run is skipped and counted as a failure.
   */
  STILL_RUNNING(true),
  /** The probe executor refused the run (it is shut down or saturated). A failure. */
  REJECTED(true),
  /** {@code failureThreshold} was changed and the status re-derived from the current run. */
  THRESHOLD_CHANGED(false);

  private final boolean failure;

  HealthReason(boolean failure) {
    this.failure = failure;
  }

  /**
   * Returns whether this outcome counts toward {@code failureThreshold}.
   *
   * @return {@code true} for the failures
   */
  public boolean isFailure() {
    return failure;
  }
}
