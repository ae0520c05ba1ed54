package io.tailguard.benchmarks.hedge.sim;

import java.util.Locale;

/**
 * A backend of several replicas: attempt {@code k} of request {@code i} goes to replica {@code (i +
 * k) mod n}, so a hedge always goes to another replica than its primary. Besides independent
 * stalls, each replica has slow episodes (an on/off process computed from the seed) during which
 * every attempt that starts on it stalls.
 *
 * <p>Immutable and thread-safe.
 */
final class ReplicaModel implements LatencyModel {

  private final long seed;
  private final String scenario;
  private final Regime regime;
  private final Intervals[] slow;
  private final double meanGapNanos;
  private final double meanEpisodeNanos;

  /**
   * Creates the model.
   *
   * @param seed the run's seed
   * @param scenario the scenario's name
   * @param regime each replica's regime outside episodes
   * @param replicas the number of replicas
   * @param meanGapNanos the mean time between a replica's episodes
   * @param meanEpisodeNanos the mean length of an episode
   * @param horizon how far to compute the episodes, since the run's origin
   */
  ReplicaModel(
      long seed,
      String scenario,
      Regime regime,
      int replicas,
      double meanGapNanos,
      double meanEpisodeNanos,
      long horizon) {
    this.seed = seed;
    this.scenario = scenario;
    this.regime = regime;
    this.meanGapNanos = meanGapNanos;
    this.meanEpisodeNanos = meanEpisodeNanos;
    this.slow = new Intervals[replicas];
    for (int r = 0; r < replicas; r++) {
      slow[r] =
          Intervals.onOff(
              Draws.forProcess(seed, scenario, "replica-" + r),
              meanGapNanos,
              meanEpisodeNanos,
              horizon);
    }
  }

  @Override
  public long durationNanos(long request, int attempt, long startNanos) {
    int replica = (int) ((request + attempt) % slow.length);
    boolean episode = slow[replica].contains(startNanos);
    return regime.sampleNanos(Draws.forAttempt(seed, scenario, request, attempt), episode);
  }

  /**
   * Describes the replicas and their episode process, as configured (the {@code sim.*} variations
   * included).
   *
   * @return for example "3 replicas, ..., plus slow episodes (gaps exp. mean 5 s, length exp. mean
   *     500 ms) in which every attempt stalls"
   */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d replicas, attempt k of request i on replica (i + k) mod %d; each %s, plus slow episodes"
            + " (gaps exp. mean %s s, length exp. mean %s ms) in which every attempt stalls",
        slow.length,
        slow.length,
        regime.describe(),
        Regime.plain(meanGapNanos / 1e9),
        Regime.plain(meanEpisodeNanos / 1e6));
  }

  /**
   * Describes each replica's episodes before {@code until}.
   *
   * @param until the end of the run
   * @return for example "replica 0: 7 episodes, 3.1 s slow; ..."
   */
  String describeEpisodes(long until) {
    StringBuilder b = new StringBuilder();
    for (int r = 0; r < slow.length; r++) {
      b.append(r == 0 ? "" : "; ")
          .append(
              String.format(
                  Locale.ROOT,
                  "replica %d: %d episodes, %.1f s slow",
                  r,
                  slow[r].countBefore(until),
                  slow[r].totalBefore(until) / 1e9));
    }
    return b.toString();
  }
}
