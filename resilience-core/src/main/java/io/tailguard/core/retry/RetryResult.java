package io.tailguard.core.retry;

import java.util.Locale;

/** How a retried call ended, as counted in {@link RetryMetrics} and exported as a metric label. */
public enum RetryResult {
  /** The first attempt answered. */
  SUCCESS_FIRST,
  /** A retry answered. */
  SUCCESS_RETRY,
  /** Every allowed attempt failed (or returned an unacceptable result). */
  EXHAUSTED,
  /**
   * An attempt failed in a way not worth retrying, or the call was interrupted or cancelled between
   * attempts.
   */
  NOT_RETRYABLE,
  /** A retry was wanted but the retry budget had none left. */
  BUDGET_EXHAUSTED;

  /**
   * Returns the label used in metrics, for example {@code success_first}.
   *
   * @return the lower-case name
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
