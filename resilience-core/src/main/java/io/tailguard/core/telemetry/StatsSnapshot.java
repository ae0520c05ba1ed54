package io.tailguard.core.telemetry;

import java.time.Duration;

/**
 * The statistics of an instance's calls at one moment. Latencies are in nanoseconds; all rates are
 * 0 when there are no calls.
 *
 * @param count calls recorded
 * @param meanNanos mean latency
 * @param varianceNanos2 sample variance of latency (n - 1 in the denominator), 0 below two calls
 * @param minNanos fastest call, 0 when empty
 * @param maxNanos slowest call, 0 when empty
 * @param successRate share of calls that succeeded
 * @param slaCompliance share of calls at or under the SLA target
 * @param slaTarget the SLA target
 * @param totalCost sum of the calls' cost
 * @param meanCost mean cost per call
 */
public record StatsSnapshot(
    long count,
    double meanNanos,
    double varianceNanos2,
    long minNanos,
    long maxNanos,
    double successRate,
    double slaCompliance,
    Duration slaTarget,
    double totalCost,
    double meanCost) {

  /**
   * Returns the standard deviation of latency.
   *
   * @return the standard deviation in nanoseconds
   */
  public double stdDevNanos() {
    return Math.sqrt(varianceNanos2);
  }

  /**
   * Returns the projected cost of a thousand calls at the mean cost.
   *
   * @return {@code 1000 * meanCost}
   */
  public double costPerThousand() {
    return meanCost * 1_000;
  }

  /**
   * Returns the projected cost of a million calls at the mean cost.
   *
   * @return {@code 1000000 * meanCost}
   */
  public double costPerMillion() {
    return meanCost * 1_000_000;
  }
}
