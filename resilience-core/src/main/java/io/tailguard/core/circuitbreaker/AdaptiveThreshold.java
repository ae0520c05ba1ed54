package io.tailguard.core.circuitbreaker;

/**
 * Settings of the adaptive failure-rate threshold.
 *
 * <p>When enabled, the breaker learns the normal failure rate of its dependency: an EWMA (smoothing
 * factor {@code ewmaAlpha} of the {@link CircuitConfig}) of the failure rate of each completed
 * bucket, and the EWMA of its squared deviation. Once a full window of buckets has been learned,
 * the breaker also opens when the window's failure rate reaches
 *
 * <pre>{@code min(failureRateThreshold, max(floor, mean + sensitivity * stdDev))}</pre>
 *
 * <p>so a dependency that normally never fails trips at a few percent instead of at the static
 * threshold, while the static threshold stays the upper bound. The {@code floor} keeps a perfect
 * history (standard deviation zero) from tripping on the first failures.
 *
 * @param enabled whether the adaptive threshold applies; default {@code false}
 * @param sensitivity how many standard deviations above the mean trip the breaker, in (0, 100];
 *     default 3
 * @param floor the lowest adaptive threshold, in (0, 1]; default 0.1
 */
public record AdaptiveThreshold(boolean enabled, double sensitivity, double floor) {

  /** The default: disabled, sensitivity 3, floor 0.1. */
  public static final AdaptiveThreshold DISABLED =
      new AdaptiveThreshold(
          CircuitSettings.ADAPTIVE_ENABLED.defaultValue(),
          CircuitSettings.SENSITIVITY.defaultValue(),
          CircuitSettings.FLOOR.defaultValue());

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the field, its range and the value
   */
  public AdaptiveThreshold {
    CircuitSettings.SENSITIVITY.check(sensitivity);
    CircuitSettings.FLOOR.check(floor);
  }

  /**
   * Returns an enabled threshold with the given sensitivity and the default floor.
   *
   * @param sensitivity standard deviations above the mean, in (0, 100]
   * @return the settings
   */
  public static AdaptiveThreshold enabled(double sensitivity) {
    return new AdaptiveThreshold(true, sensitivity, DISABLED.floor);
  }
}
