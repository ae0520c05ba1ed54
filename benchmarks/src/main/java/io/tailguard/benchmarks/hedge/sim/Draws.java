package io.tailguard.benchmarks.hedge.sim;

import java.util.SplittableRandom;

/**
 * The simulation's randomness. Every draw comes from a generator seeded by a pure function of the
 * run's seed, the scenario and what is drawn for (an attempt of a request, a replica's episodes),
 * never from a shared stream: so every policy sees the same draws, whatever it sends when.
 *
 * <p>Stateless and thread-safe.
 */
final class Draws {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Draws() {}

  /**
   * Returns the generator of attempt {@code attempt} of request {@code request}.
   *
   * @param seed the run's seed
   * @param scenario the scenario's name
   * @param request the request's index
   * @param attempt 0 for the primary, 1 for the first hedge, ...
   * @return a fresh generator
   */
  static SplittableRandom forAttempt(long seed, String scenario, long request, int attempt) {
    return new SplittableRandom(mix(mix(mix(seed, scenario.hashCode()), request), attempt));
  }

  /**
   * Returns the generator of a time-based process of a scenario, such as one replica's episodes.
   *
   * @param seed the run's seed
   * @param scenario the scenario's name
   * @param process names the process
   * @return a fresh generator
   */
  static SplittableRandom forProcess(long seed, String scenario, String process) {
    // Offset from forAttempt's key space by mixing the process name in first.
    return new SplittableRandom(mix(mix(process.hashCode(), seed), scenario.hashCode()));
  }

  /**
   * Returns an exponentially distributed value.
   *
   * @param r the generator
   * @param mean the mean
   * @return the value
   */
  static double exponential(SplittableRandom r, double mean) {
    return -mean * Math.log(1 - r.nextDouble());
  }

  // SplitMix64's finaliser over the running hash and the next value.
  private static long mix(long h, long v) {
    long z = h * 31 + v + GOLDEN;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
