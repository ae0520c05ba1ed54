package io.tailguard.core.retry;

/**
 * A snapshot of a retrier's counters: totals since creation, which never go down.
 *
 * @param calls calls that ended
 * @param successFirst calls answered by their first attempt
 * @param successRetry calls answered by a retry
 * @param exhausted calls whose every allowed attempt failed
 * @param notRetryable calls ended by a failure not worth retrying (interruptions included)
 * @param budgetExhausted calls ended because the retry budget was spent
 * @param retries retries made (attempts after the first)
 * @param interrupted calls stopped by an interrupt or a cancellation (also in {@code notRetryable})
 */
public record RetryMetrics(
    long calls,
    long successFirst,
    long successRetry,
    long exhausted,
    long notRetryable,
    long budgetExhausted,
    long retries,
    long interrupted) {

  /**
   * Returns the count of one result.
   *
   * @param result the result
   * @return how many calls ended so
   */
  public long count(RetryResult result) {
    switch (result) {
      case SUCCESS_FIRST:
        return successFirst;
      case SUCCESS_RETRY:
        return successRetry;
      case EXHAUSTED:
        return exhausted;
      case NOT_RETRYABLE:
        return notRetryable;
      case BUDGET_EXHAUSTED:
        return budgetExhausted;
      default:
        throw new IllegalArgumentException("result must not be null");
    }
  }

  /**
   * Returns the mean number of retries per call.
   *
   * @return retries per call, 0 without calls
   */
  public double retriesPerCall() {
    return calls == 0 ? 0 : (double) retries / calls;
  }
}
