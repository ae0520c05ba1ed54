package io.tailguard.benchmarks.hedge.sim;

/**
 * A backend whose attempts are independent draws from one {@link Regime}, or from a first regime
 * until {@code switchAtNanos} and a second one from then on (by the attempt's start time); or, with
 * a ramp, from a regime that moves from the first to the second over the ramp, centred on {@code
 * switchAtNanos} ({@link Regime#between}).
 *
 * <p>Immutable and thread-safe.
 */
final class RegimeModel implements LatencyModel {

  private final long seed;
  private final String scenario;
  private final Regime first;
  private final Regime second;
  private final long switchAtNanos;
  private final long rampNanos;

  /**
   * Creates a model that switches regime once.
   *
   * @param seed the run's seed
   * @param scenario the scenario's name, part of every draw's seed
   * @param first the regime before the switch
   * @param second the regime from the switch on
   * @param switchAtNanos when it switches, since the run's origin
   */
  RegimeModel(long seed, String scenario, Regime first, Regime second, long switchAtNanos) {
    this(seed, scenario, first, second, switchAtNanos, 0);
  }

  /**
   * Creates a model that moves from one regime to another over a ramp.
   *
   * @param seed the run's seed
   * @param scenario the scenario's name, part of every draw's seed
   * @param first the regime before the ramp
   * @param second the regime after it
   * @param switchAtNanos the ramp's middle, since the run's origin
   * @param rampNanos how long the move takes; 0 switches at once
   */
  RegimeModel(
      long seed, String scenario, Regime first, Regime second, long switchAtNanos, long rampNanos) {
    this.seed = seed;
    this.scenario = scenario;
    this.first = first;
    this.second = second;
    this.switchAtNanos = switchAtNanos;
    this.rampNanos = rampNanos;
  }

  /**
   * Creates a model that keeps one regime.
   *
   * @param seed the run's seed
   * @param scenario the scenario's name
   * @param regime the regime
   * @return the model
   */
  static RegimeModel stationary(long seed, String scenario, Regime regime) {
    return new RegimeModel(seed, scenario, regime, regime, Long.MAX_VALUE);
  }

  @Override
  public long durationNanos(long request, int attempt, long startNanos) {
    Regime regime;
    if (rampNanos > 0) {
      double x = (startNanos - (switchAtNanos - rampNanos / 2.0)) / rampNanos;
      // The ends exactly: pow may miss the second median by an ulp.
      regime = x <= 0 ? first : x >= 1 ? second : first.between(second, x);
    } else {
      regime = startNanos < switchAtNanos ? first : second;
    }
    return regime.sampleNanos(Draws.forAttempt(seed, scenario, request, attempt), false);
  }
}
