package io.tailguard.core.circuitbreaker;

/**
 * The learned normal failure rate of a dependency: an exponentially weighted mean and variance of
 * the failure rate of each completed bucket, updated incrementally as in Finch, "Incremental
 * calculation of weighted mean and variance" (2009), section 9:
 *
 * <pre>{@code
 * diff = x - mean;  incr = alpha * diff;  mean += incr;  variance = (1 - alpha) * (variance + diff * incr)
 * }</pre>
 *
 * <p>Thread-safe: updates and reads hold this object's monitor. Updates happen once per completed
 * bucket and reads once per recorded failure, never on the success path.
 */
final class AdaptiveBaseline {

  // All guarded by this.
  private double mean;
  private double variance;
  private long samples;

  synchronized void add(double failureRate, double alpha) {
    if (samples == 0) {
      mean = failureRate;
      variance = 0;
    } else {
      double diff = failureRate - mean;
      double incr = alpha * diff;
      mean += incr;
      variance = (1 - alpha) * (variance + diff * incr);
    }
    samples++;
  }

  /**
   * Returns the adaptive threshold, or {@code NaN} while fewer than {@code warmBuckets} buckets
   * have been learned.
   */
  synchronized double threshold(AdaptiveThreshold settings, double cap, int warmBuckets) {
    if (samples < warmBuckets) {
      return Double.NaN;
    }
    double learned = mean + settings.sensitivity() * Math.sqrt(variance);
    return Math.min(cap, Math.max(settings.floor(), learned));
  }

  synchronized long samples() {
    return samples;
  }

  synchronized double mean() {
    return mean;
  }

  synchronized double stdDev() {
    return Math.sqrt(variance);
  }

  synchronized void clear() {
    mean = 0;
    variance = 0;
    samples = 0;
  }
}
