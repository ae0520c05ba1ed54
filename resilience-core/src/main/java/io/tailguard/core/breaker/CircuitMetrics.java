package io.tailguard.core.breaker;

import io.tailguard.core.HealthStatus;

/**
 * A snapshot of a breaker's state, window and lifetime totals.
 *
 * <p>The window figures describe the current closed period (or, while open, the period that
 * tripped). The totals count every call since the breaker was created and never go down, so they
 * can be exported as monotonic counters; {@link CircuitBreaker#reset()} does not clear them.
 *
 * @param state the state
 * @param windowCalls calls in the rolling window
 * @param windowFailures failures in the window
 * @param windowSlowCalls slow calls in the window
 * @param failureRate weighted failure rate of the window, in [0, 1]
 * @param slowCallRate weighted slow-call rate of the window, in [0, 1]
 * @param consecutiveFailures the current run of failures
 * @param meanLatencyNanos mean latency in the window
 * @param latencyStdDevNanos standard deviation of latency in the window
 * @param healthScore the health score in [0, 1]; 1 while the window holds fewer than {@code
 *     minCalls} calls
 * @param healthStatus the health the breaker reports
 * @param successfulCalls lifetime calls that succeeded and were not slow
 * @param failedCalls lifetime calls that failed
 * @param slowCalls lifetime calls that succeeded but were slow
 * @param ignoredCalls lifetime calls that ended with an ignored exception
 * @param rejectedCalls lifetime calls refused by the breaker
 */
public record CircuitMetrics(
    CircuitState state,
    long windowCalls,
    long windowFailures,
    long windowSlowCalls,
    double failureRate,
    double slowCallRate,
    long consecutiveFailures,
    double meanLatencyNanos,
    double latencyStdDevNanos,
    double healthScore,
    HealthStatus healthStatus,
    long successfulCalls,
    long failedCalls,
    long slowCalls,
    long ignoredCalls,
    long rejectedCalls) {

  /**
   * Returns the success rate of the window, {@code 1 - failureRate}.
   *
   * @return the success ratio in [0, 1]
   */
  public double successRate() {
    return 1 - failureRate;
  }
}
