package io.tailguard.benchmarks.hedge.sim;

/**
 * One scenario: a backend, a request rate and a timeline. Requests arrive open-loop at a fixed rate
 * from the run's origin; the first {@code warmupNanos} are not measured, then {@code measuredNanos}
 * are, in two halves.
 *
 * @param name the name, for example "stationary-3"
 * @param parameters what the backend and timeline are, in a line or two for the report
 * @param targets which target checks apply
 * @param rate requests per second
 * @param warmupNanos the unmeasured time before the measured span (training, for "restored")
 * @param measuredNanos the measured span
 * @param restoreAtStart whether each policy is replaced at the start of the measured span by a new
 *     instance that restores the old one's snapshot
 * @param model the backend's latencies (service times, with servers)
 * @param servers the backend's servers with a FIFO queue, or 0 for no capacity limit
 * @param cancellable whether the servers stop work on an attempt the caller withdrew (it leaves the
 *     queue, or frees its server); if not, every attempt is served in full, as by a server that
 *     does not notice a client hanging up
 */
record Scenario(
    String name,
    String parameters,
    Targets.Kind targets,
    double rate,
    long warmupNanos,
    long measuredNanos,
    boolean restoreAtStart,
    LatencyModel model,
    int servers,
    boolean cancellable) {

  /**
   * Returns when the measured span starts, since the origin.
   *
   * @return the time in nanoseconds
   */
  long measuredStart() {
    return warmupNanos;
  }

  /**
   * Returns when the second half of the measured span starts.
   *
   * @return the time in nanoseconds
   */
  long half() {
    return warmupNanos + measuredNanos / 2;
  }

  /**
   * Returns when the measured span ends; no request arrives from then on.
   *
   * @return the time in nanoseconds
   */
  long end() {
    return warmupNanos + measuredNanos;
  }

  /**
   * Returns when request {@code i} is meant to start.
   *
   * @param i the request's index
   * @return the time in nanoseconds since the origin
   */
  long intendedNanos(long i) {
    return Math.round(i * 1e9 / rate);
  }

  /**
   * Returns the index of the first request meant to start at or after {@code t}.
   *
   * @param t the time since the origin
   * @return the index
   */
  long firstRequestAt(long t) {
    long i = (long) Math.ceil(t * rate / 1e9);
    while (i > 0 && intendedNanos(i - 1) >= t) {
      i--;
    }
    while (intendedNanos(i) < t) {
      i++;
    }
    return i;
  }

  /**
   * Returns the number of requests of the run.
   *
   * @return the count
   */
  long requests() {
    return firstRequestAt(end());
  }

  /**
   * Returns the number of requests whose latency is measured.
   *
   * @return the count
   */
  long measuredRequests() {
    return requests() - firstRequestAt(measuredStart());
  }
}
