package io.tailguard.core.telemetry;

import java.time.Instant;

/**
 * The calls of one time window of an {@link EventLog}: those whose end lies in {@code [start,
 * end)}.
 *
 * @param start the window's start, inclusive
 * @param end the window's end, exclusive
 * @param count calls
 * @param meanLatencyNanos mean latency, 0 without calls
 * @param totalCost sum of cost
 * @param successes successful calls
 * @param failures calls that did not succeed (failed, rejected, timed out or cancelled)
 */
public record WindowMetrics(
    Instant start,
    Instant end,
    long count,
    double meanLatencyNanos,
    double totalCost,
    long successes,
    long failures) {}
