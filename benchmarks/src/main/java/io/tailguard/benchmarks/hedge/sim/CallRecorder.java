package io.tailguard.benchmarks.hedge.sim;

import org.HdrHistogram.Histogram;

/**
 * Collects one policy's calls in one scenario and turns them, with the hedger's counters, into a
 * {@link PolicyResult}. Times are nanoseconds since the run's origin.
 *
 * <p>Thread-safe: every method is synchronized (real-time requests end on many threads).
 */
final class CallRecorder {

  private static final long MAX_NANOS = 600_000_000_000L;

  private final Scenario scenario;
  private final Histogram latencies = new Histogram(1_000, MAX_NANOS, 3);
  private long calls;
  private long failed;
  private long completedInSpan;

  /**
   * Creates an empty recorder.
   *
   * @param scenario the scenario, for its measured span
   */
  CallRecorder(Scenario scenario) {
    this.scenario = scenario;
  }

  /**
   * Records a call that ended.
   *
   * @param intendedNanos when it was meant to start
   * @param endedNanos when it ended
   * @param succeeded whether it returned an answer
   */
  synchronized void record(long intendedNanos, long endedNanos, boolean succeeded) {
    if (intendedNanos >= scenario.measuredStart() && intendedNanos < scenario.end()) {
      latencies.recordValue(Math.min(MAX_NANOS, Math.max(0, endedNanos - intendedNanos)));
      calls++;
      if (!succeeded) {
        failed++;
      }
    }
    if (succeeded && endedNanos >= scenario.measuredStart() && endedNanos < scenario.end()) {
      completedInSpan++;
    }
  }

  /**
   * Returns whether every measured call has ended.
   *
   * @return {@code true} once all have
   */
  synchronized boolean allMeasuredEnded() {
    return calls == scenario.measuredRequests();
  }

  /**
   * Returns the figures.
   *
   * @param policy the policy's name
   * @param atStart the hedger's counters at the start of the measured span
   * @param atHalf the counters at half time
   * @param atEnd the counters at the end
   * @param queue the queue statistics, or {@code null}
   * @param waitedNanos how long after the end of the span the run waited for calls: measured calls
   *     still running then are counted as failed, with this latency (a lower bound of theirs)
   * @return the figures
   */
  synchronized PolicyResult result(
      String policy,
      Counters atStart,
      Counters atHalf,
      Counters atEnd,
      QueueStats queue,
      long waitedNanos) {
    long unfinished = scenario.measuredRequests() - calls;
    if (unfinished > 0) {
      latencies.recordValueWithCount(Math.min(MAX_NANOS, waitedNanos), unfinished);
      calls += unfinished;
      failed += unfinished;
    }
    long hedges = atEnd.hedges() - atStart.hedges();
    return new PolicyResult(
        policy,
        calls,
        millisAt(50),
        millisAt(99),
        millisAt(99.9),
        latencies.getMaxValue() / 1e6,
        atEnd.extraSince(atStart),
        atHalf.extraSince(atStart),
        atEnd.extraSince(atHalf),
        atEnd.budgetExhausted() - atStart.budgetExhausted(),
        atEnd.hedged() ? atEnd.delayNanos() / 1e6 : Double.NaN,
        hedges == 0 ? Double.NaN : (double) (atEnd.hedgeWins() - atStart.hedgeWins()) / hedges,
        completedInSpan / (scenario.measuredNanos() / 1e9),
        calls == 0 ? 0 : (double) failed / calls,
        unfinished,
        queue == null ? null : queue.figures());
  }

  private double millisAt(double percentile) {
    return latencies.getValueAtPercentile(percentile) / 1e6;
  }
}
