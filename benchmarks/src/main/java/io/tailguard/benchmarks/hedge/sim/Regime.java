package io.tailguard.benchmarks.hedge.sim;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One latency regime of a backend: a lognormal body, plus with probability {@code stallProbability}
 * an additive stall drawn from a Pareto distribution (by default scale 40 ms, shape 1.5; capped at
 * 3 s), and with probability {@code failureProbability} an instant failure instead.
 *
 * @param medianMillis the median of the body
 * @param sigma the body's log-space standard deviation
 * @param stallProbability the chance of a stall
 * @param failureProbability the chance of an instant failure
 */
record Regime(
    double medianMillis, double sigma, double stallProbability, double failureProbability) {

  /** The body's median in the base regime, in milliseconds ({@code sim.medianMs}, default 3). */
  static final double MEDIAN_MILLIS = property("sim.medianMs", 3, Double.POSITIVE_INFINITY);

  /** The body's sigma ({@code sim.sigma}, default 0.5). */
  static final double SIGMA = property("sim.sigma", 0.5, Double.POSITIVE_INFINITY);

  static final double STALL_CAP_MILLIS = 3000;
  // Below the cap, which the mean of a stall (and so the queue scenarios' rates) assumes.
  static final double STALL_SCALE_MILLIS = property("sim.stallScaleMs", 40, STALL_CAP_MILLIS);
  static final double STALL_SHAPE = property("sim.stallShape", 1.5, Double.POSITIVE_INFINITY);

  /**
   * Reads a variation of the simulator's models, for checking the defaults on what the suite does
   * not hold.
   *
   * @param name the system property
   * @param defaultValue its value when not set
   * @param below the exclusive upper bound (the lower one is 0, exclusive)
   * @return the value
   * @throws IllegalArgumentException naming the property and its range if it is out of it
   */
  static double property(String name, double defaultValue, double below) {
    return property(name, defaultValue, false, below);
  }

  /**
   * Reads a variation of the simulator's models that may be 0.
   *
   * @param name the system property
   * @param defaultValue its value when not set
   * @param zeroAllowed whether 0 is in range
   * @param below the exclusive upper bound
   * @return the value
   * @throws IllegalArgumentException naming the property and its range if it is out of it
   */
  static double property(String name, double defaultValue, boolean zeroAllowed, double below) {
    String value = System.getProperty(name);
    if (value == null) {
      return defaultValue;
    }
    double v;
    try {
      v = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!((zeroAllowed ? v >= 0 : v > 0) && v < below)) {
      String range =
          below == Double.POSITIVE_INFINITY
              ? (zeroAllowed ? "a number of at least 0" : "a positive number")
              : "in " + (zeroAllowed ? "[0, " : "(0, ") + plain(below) + ")";
      throw new IllegalArgumentException(name + " must be " + range + ", was " + value);
    }
    return v;
  }

  /**
   * Formats a number for a description: 5 rather than 5.0, 250.5 as it is.
   *
   * @param v the number, finite
   * @return its plain decimal form
   */
  static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * Returns a regime with the base body and stalls, without failures.
   *
   * @param medianMillis the body's median
   * @param stallProbability the chance of a stall
   * @return the regime
   */
  static Regime of(double medianMillis, double stallProbability) {
    return new Regime(medianMillis, SIGMA, stallProbability, 0);
  }

  /**
   * Returns this regime with instant failures.
   *
   * @param probability the chance of a failure
   * @return the regime
   */
  Regime withFailures(double probability) {
    return new Regime(medianMillis, sigma, stallProbability, probability);
  }

  /**
   * Returns the regime a share {@code x} of the way from this one to another: the body's median
   * geometrically in between, its sigma and the probabilities linearly.
   *
   * @param to the regime at {@code x = 1}
   * @param x in [0, 1]
   * @return the regime in between
   */
  Regime between(Regime to, double x) {
    return new Regime(
        medianMillis * Math.pow(to.medianMillis / medianMillis, x),
        sigma + x * (to.sigma - sigma),
        stallProbability + x * (to.stallProbability - stallProbability),
        failureProbability + x * (to.failureProbability - failureProbability));
  }

  /**
   * Draws one attempt's duration. The generator is always read four times in the same order, so
   * that regimes that differ only in their parameters see the same underlying draws.
   *
   * @param r the attempt's generator
   * @param forceStall whether the attempt stalls whatever the draw (a replica's slow episode)
   * @return the duration in nanoseconds (at least 1), or {@link LatencyModel#FAILURE}
   */
  long sampleNanos(SplittableRandom r, boolean forceStall) {
    double failure = r.nextDouble();
    double gaussian = r.nextGaussian();
    double stall = r.nextDouble();
    double stallSize = r.nextDouble();
    if (failure < failureProbability) {
      return LatencyModel.FAILURE;
    }
    double millis = medianMillis * Math.exp(sigma * gaussian);
    if (forceStall || stall < stallProbability) {
      millis += stallMillis(stallSize);
    }
    return Math.max(1, Math.round(millis * 1e6));
  }

  /**
   * Returns the mean duration of an attempt that does not fail, in milliseconds.
   *
   * @return the mean
   */
  double meanMillis() {
    return medianMillis * Math.exp(sigma * sigma / 2) + stallProbability * meanStallMillis();
  }

  /** E[min(X, cap)] of the Pareto stall: scale + scale (1 - (scale/cap)^(shape-1)) / (shape-1). */
  static double meanStallMillis() {
    double s = STALL_SCALE_MILLIS;
    double a = STALL_SHAPE;
    if (a == 1) {
      return s + s * Math.log(STALL_CAP_MILLIS / s);
    }
    return s + s * (1 - Math.pow(s / STALL_CAP_MILLIS, a - 1)) / (a - 1);
  }

  private static double stallMillis(double u) {
    return Math.min(STALL_CAP_MILLIS, STALL_SCALE_MILLIS / Math.pow(1 - u, 1 / STALL_SHAPE));
  }

  /**
   * Describes the regime in a line.
   *
   * @return the description
   */
  String describe() {
    String s =
        String.format(
            Locale.ROOT,
            "lognormal body median %.0f ms sigma %.1f, stalls %.0f%%",
            medianMillis,
            sigma,
            stallProbability * 100);
    return failureProbability == 0
        ? s
        : s + String.format(Locale.ROOT, ", instant failures %.0f%%", failureProbability * 100);
  }

  /**
   * Describes the stall distribution.
   *
   * @return the description
   */
  static String describeStalls() {
    return String.format(
        Locale.ROOT,
        "stall = +Pareto(scale %.0f ms, shape %.1f) capped at %.0f s (mean %.1f ms)",
        STALL_SCALE_MILLIS,
        STALL_SHAPE,
        STALL_CAP_MILLIS / 1000,
        meanStallMillis());
  }
}
