package io.tailguard.core.circuitbreaker;

/**
 * The health score of a dependency in [0, 1], from the outcomes in a breaker's window:
 *
 * <pre>{@code score = 0.5 * successRate + 0.3 * latencyScore(mean) + 0.2 * jitterScore(stdDev)}
 * </pre>
 *
 * <p>Latency and jitter are scored on bands, interpolated linearly between their edges:
 *
 * <table>
 *   <caption>Latency bands (mean latency)</caption>
 *   <tr><th>mean</th><th>score</th><th>band</th></tr>
 *   <tr><td>0 - 100 ms</td><td>1.0</td><td>excellent</td></tr>
 *   <tr><td>250 ms</td><td>0.8</td><td>good</td></tr>
 *   <tr><td>500 ms</td><td>0.6</td><td>fair</td></tr>
 *   <tr><td>1 s</td><td>0.4</td><td>poor</td></tr>
 *   <tr><td>2 s</td><td>0.2</td><td>bad</td></tr>
 *   <tr><td>5 s and more</td><td>0.0</td><td>critical</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Jitter bands (standard deviation of latency)</caption>
 *   <tr><th>std-dev</th><th>score</th><th>band</th></tr>
 *   <tr><td>0 - 50 ms</td><td>1.0</td><td>stable</td></tr>
 *   <tr><td>100 ms</td><td>0.7</td><td>variable</td></tr>
 *   <tr><td>250 ms</td><td>0.4</td><td>unstable</td></tr>
 *   <tr><td>500 ms and more</td><td>0.0</td><td>very unstable</td></tr>
 * </table>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class HealthScore {

  private static final double[] LATENCY_MS = {100, 250, 500, 1000, 2000, 5000};
  private static final double[] LATENCY_SCORE = {1.0, 0.8, 0.6, 0.4, 0.2, 0.0};
  private static final double[] JITTER_MS = {50, 100, 250, 500};
  private static final double[] JITTER_SCORE = {1.0, 0.7, 0.4, 0.0};

  private HealthScore() {}

  /**
   * Computes the score.
   *
   * @param successRate the share of calls that succeeded, in [0, 1]
   * @param meanLatencyNanos the mean latency
   * @param latencyStdDevNanos the standard deviation of latency
   * @return the score in [0, 1]
   */
  public static double of(double successRate, double meanLatencyNanos, double latencyStdDevNanos) {
    double s = Math.max(0, Math.min(1, successRate));
    return 0.5 * s
        + 0.3 * latencyScore(meanLatencyNanos / 1e6)
        + 0.2 * jitterScore(latencyStdDevNanos / 1e6);
  }

  /**
   * Scores a mean latency on the latency bands.
   *
   * @param meanMillis the mean latency in milliseconds
   * @return the band score in [0, 1]
   */
  public static double latencyScore(double meanMillis) {
    return interpolate(LATENCY_MS, LATENCY_SCORE, meanMillis);
  }

  /**
   * Scores a latency standard deviation on the jitter bands.
   *
   * @param stdDevMillis the standard deviation in milliseconds
   * @return the band score in [0, 1]
   */
  public static double jitterScore(double stdDevMillis) {
    return interpolate(JITTER_MS, JITTER_SCORE, stdDevMillis);
  }

  private static double interpolate(double[] edges, double[] scores, double x) {
    if (!(x > edges[0])) {
      return scores[0]; // also NaN: no evidence of trouble
    }
    for (int i = 1; i < edges.length; i++) {
      if (x <= edges[i]) {
        double t = (x - edges[i - 1]) / (edges[i] - edges[i - 1]);
        return scores[i - 1] + t * (scores[i] - scores[i - 1]);
      }
    }
    return scores[scores.length - 1];
  }
}
