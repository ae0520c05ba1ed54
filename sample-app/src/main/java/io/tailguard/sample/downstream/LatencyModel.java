package io.tailguard.sample.downstream;

import java.util.SplittableRandom;

/**
 * Draws what the downstream does with one request from its {@link DownstreamProfile}: how long it
 * takes, whether it fails, and whether an injected fault (a reset, a garbage answer) hits it. The
 * draw for request number {@code n} depends only on the seed, the profile and {@code n}, so a run
 * with the same seed and the same order of requests sees the same latencies.
 *
 * <p>Stateless and thread-safe.
 */
public final class LatencyModel {

  /** Sigma of the lognormal body: p99 is e^(2.326 x 0.35), about 2.3 x the median. */
  static final double BODY_SIGMA = 0.35;

  /** Shape of the Pareto tail: P(X > k x tailMs) = 1 / k^2. */
  static final double TAIL_SHAPE = 2.0;

  /** The tail is capped at this multiple of {@code tailMs}, so no request hangs for minutes. */
  static final double TAIL_CAP = 20.0;

  private final long seed;

  /**
   * Creates a model.
   *
   * @param seed the seed of every draw
   */
  public LatencyModel(long seed) {
    this.seed = seed;
  }

  /**
   * What the downstream does with one request.
   *
   * @param latencyNanos how long before it answers
   * @param fails whether it answers 503
   * @param tail whether the latency came from the tail
   * @param slow whether the latency includes the brownout's {@code slowMs}
   * @param reset whether its connection is closed without an answer (wins over the rest)
   * @param garbage whether it is answered 200 with bytes that are not JSON (wins over failing)
   */
  public record Draw(
      long latencyNanos,
      boolean fails,
      boolean tail,
      boolean slow,
      boolean reset,
      boolean garbage) {}

  /**
   * Draws the fate of request number {@code n}.
   *
   * @param profile the profile in force
   * @param n the request's number
   * @return the draw
   */
  public Draw draw(DownstreamProfile profile, long n) {
    if (profile.outage()) {
      return new Draw(0, true, false, false, false, false);
    }
    SplittableRandom random = new SplittableRandom(seed ^ (n * 0x9E3779B97F4A7C15L));
    boolean fails = random.nextDouble() < profile.failureRate();
    boolean tail = random.nextDouble() < profile.tailProbability();
    double ms;
    if (tail) {
      double u = 1.0 - random.nextDouble(); // (0, 1]
      ms = profile.tailMs() * Math.min(TAIL_CAP, Math.pow(u, -1.0 / TAIL_SHAPE));
    } else {
      ms = profile.p50Ms() * Math.exp(BODY_SIGMA * random.nextGaussian());
    }
    // Drawn after the others, so that a profile without faults sees the draws it always saw.
    boolean slow = random.nextDouble() < profile.slowRate();
    boolean reset = random.nextDouble() < profile.resetRate();
    boolean garbage = random.nextDouble() < profile.garbageRate();
    if (slow) {
      ms += profile.slowMs();
    }
    return new Draw((long) (ms * 1_000_000), fails, tail, slow, reset, garbage);
  }
}
