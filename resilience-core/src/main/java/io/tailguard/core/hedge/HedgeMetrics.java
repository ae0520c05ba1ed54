package io.tailguard.core.hedge;

/**
 * A snapshot of a hedger's counters and latency. Counters are totals since creation and never go
 * down.
 *
 * @param calls calls that ended
 * @param attempts attempts started (primaries and hedges)
 * @param hedges hedges started
 * @param primaryWins calls answered by the primary
 * @param hedgeWins calls answered by a hedge
 * @param failedCalls calls that ended without an answer (failure, timeout or cancellation)
 * @param timeouts calls that timed out
 * @param budgetExhausted hedges wanted but refused by the budget
 * @param executorRefusals attempts the executor refused
 * @param strategyFaults failures of the delay strategy or the statistics, absorbed
 * @param coalescedCalls calls that joined another call's execution instead of running their own
 * @param currentDelayNanos the delay the next first hedge would wait
 * @param warm whether the delay strategy is warm
 * @param p50Nanos median call latency over the last minute
 * @param p99Nanos 99th percentile call latency over the last minute
 * @param p999Nanos 99.9th percentile call latency over the last minute
 */
public record HedgeMetrics(
    long calls,
    long attempts,
    long hedges,
    long primaryWins,
    long hedgeWins,
    long failedCalls,
    long timeouts,
    long budgetExhausted,
    long executorRefusals,
    long strategyFaults,
    long coalescedCalls,
    long currentDelayNanos,
    boolean warm,
    long p50Nanos,
    long p99Nanos,
    long p999Nanos) {

  /**
   * Returns hedges per call.
   *
   * @return the hedge rate, 0 without calls
   */
  public double hedgeRate() {
    return calls == 0 ? 0 : (double) hedges / calls;
  }

  /**
   * Returns the share of hedges that answered their call.
   *
   * @return the hedge win rate, 0 without hedges
   */
  public double hedgeWinRate() {
    return hedges == 0 ? 0 : (double) hedgeWins / hedges;
  }

  /**
   * Returns the mean number of attempts per call.
   *
   * @return attempts per call, 0 without calls
   */
  public double attemptsPerCall() {
    return calls == 0 ? 0 : (double) attempts / calls;
  }
}
