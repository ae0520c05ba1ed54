package io.tailguard.core.telemetry;

/**
 * Percentiles of a latency window, in nanoseconds (1% precision).
 *
 * @param count latencies in the window
 * @param meanNanos mean
 * @param p50Nanos median
 * @param p90Nanos 90th percentile
 * @param p95Nanos 95th percentile
 * @param p99Nanos 99th percentile
 * @param p999Nanos 99.9th percentile
 * @param maxNanos slowest
 */
public record LatencySnapshot(
    long count,
    double meanNanos,
    long p50Nanos,
    long p90Nanos,
    long p95Nanos,
    long p99Nanos,
    long p999Nanos,
    long maxNanos) {

  /** An empty window. */
  public static final LatencySnapshot EMPTY = new LatencySnapshot(0, 0, 0, 0, 0, 0, 0, 0);
}
