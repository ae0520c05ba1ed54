package io.tailguard.benchmarks.hedge.sim;

/**
 * The queue figures of a backend with finite capacity, per half of the measured span: the mean time
 * an attempt waited for a server (counted when it leaves the queue, served or withdrawn, and
 * attributed to the half it arrived in), and the share of server time in use (each service
 * attributed to the half it started in, so the figure is approximate at the edges).
 *
 * <p>Thread-safe: every method is synchronized.
 */
final class QueueStats {

  /** The queue figures of a run, per half. */
  record Figures(double meanWaitMillisFirst, double meanWaitMillisSecond, double utilisation) {}

  private final long start;
  private final long half;
  private final long end;
  private final int servers;
  private final long[] waits = new long[2];
  private final long[] waitSum = new long[2];
  private long busySum;

  /**
   * Creates empty statistics for a scenario's measured span.
   *
   * @param scenario the scenario
   */
  QueueStats(Scenario scenario) {
    this.start = scenario.measuredStart();
    this.half = scenario.half();
    this.end = scenario.end();
    this.servers = scenario.servers();
  }

  /**
   * Records that an attempt left the queue.
   *
   * @param arrivalNanos when it arrived, since the run's origin
   * @param waitNanos how long it waited
   */
  synchronized void left(long arrivalNanos, long waitNanos) {
    int h = halfOf(arrivalNanos);
    if (h >= 0) {
      waits[h]++;
      waitSum[h] += waitNanos;
    }
  }

  /**
   * Records that a server was busy with an attempt.
   *
   * @param startNanos when the service started, since the run's origin
   * @param busyNanos how long it lasted (until completion or withdrawal)
   */
  synchronized void served(long startNanos, long busyNanos) {
    if (halfOf(startNanos) >= 0) {
      busySum += busyNanos;
    }
  }

  /**
   * Returns the figures.
   *
   * @return the figures
   */
  synchronized Figures figures() {
    return new Figures(
        meanMillis(0), meanMillis(1), (double) busySum / ((double) servers * (end - start)));
  }

  private double meanMillis(int h) {
    return waits[h] == 0 ? 0 : waitSum[h] / 1e6 / waits[h];
  }

  private int halfOf(long t) {
    if (t < start || t >= end) {
      return -1;
    }
    return t < half ? 0 : 1;
  }
}
