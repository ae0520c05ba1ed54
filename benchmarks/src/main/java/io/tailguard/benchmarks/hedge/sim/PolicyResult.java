package io.tailguard.benchmarks.hedge.sim;

/**
 * The figures of one policy in one scenario, over the measured span. Latencies count from each
 * request's intended start, failed calls included; hedge figures are deltas of the hedger's
 * counters over the span.
 *
 * @param policy the policy's name
 * @param calls requests meant to start in the measured span
 * @param p50Millis median latency
 * @param p99Millis 99th percentile
 * @param p999Millis 99.9th percentile
 * @param maxMillis the largest latency
 * @param extra extra attempts per call over the span (hedges and retries after failures)
 * @param extraFirstHalf the same over the first half
 * @param extraSecondHalf the same over the second half
 * @param budgetRefusals hedges the budget refused
 * @param finalDelayMillis the hedge delay at the end of the span; NaN without a hedger
 * @param hedgeWinRate the share of hedges that answered their call; NaN without hedges
 * @param completedPerSecond successful calls that ended inside the span, per second
 * @param failedShare the share of calls that failed
 * @param unfinished measured calls that had not ended when the run stopped waiting for them
 * @param queue the queue figures of a backend with servers, else {@code null}
 */
record PolicyResult(
    String policy,
    long calls,
    double p50Millis,
    double p99Millis,
    double p999Millis,
    double maxMillis,
    double extra,
    double extraFirstHalf,
    double extraSecondHalf,
    long budgetRefusals,
    double finalDelayMillis,
    double hedgeWinRate,
    double completedPerSecond,
    double failedShare,
    long unfinished,
    QueueStats.Figures queue) {}
