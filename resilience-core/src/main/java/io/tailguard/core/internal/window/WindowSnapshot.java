package io.tailguard.core.internal.window;

/**
 * The outcomes a {@link RollingWindow} holds at one moment. Counts are plain sums over the live
 * buckets; the rates follow the window's weighting.
 *
 * @param calls calls recorded in the window
 * @param failures failed calls
 * @param slowCalls calls at or above the slow-call duration, failed or not
 * @param failureRate failures / calls, weighted; 0 when there are no calls
 * @param slowCallRate slow calls / calls, weighted; 0 when there are no calls
 * @param meanLatencyNanos mean latency of the calls; 0 when there are none
 * @param latencyStdDevNanos standard deviation of the latency; 0 when there are fewer than two
 *     calls
 */
public record WindowSnapshot(
    long calls,
    long failures,
    long slowCalls,
    double failureRate,
    double slowCallRate,
    double meanLatencyNanos,
    double latencyStdDevNanos) {

  /** A window with nothing in it. */
  public static final WindowSnapshot EMPTY = new WindowSnapshot(0, 0, 0, 0, 0, 0, 0);
}
