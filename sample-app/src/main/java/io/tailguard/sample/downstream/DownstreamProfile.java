package io.tailguard.sample.downstream;

/**
 * How the simulated downstream behaves: its latency distribution and its failures. Immutable.
 *
 * <p>A request fails at once with 503 during an {@code outage}. Otherwise it fails with 503 with
 * probability {@code failureRate}, and it takes:
 *
 * <ul>
 *   <li>with probability {@code tailProbability}: {@code tailMs} times a Pareto variate (shape 2,
 *       so half of these take more than 1.4 x {@code tailMs}, one in a hundred more than 10 x),
 *       capped at 20 x {@code tailMs}: the heavy tail that hedging is for;
 *   <li>otherwise: lognormal with median {@code p50Ms} (sigma 0.35: p99 about 2.3 x the median).
 * </ul>
 *
 * @param p50Ms median latency of the body of the distribution, in [0, 60000] ms
 * @param tailMs least latency of a tail request, in [0, 60000] ms
 * @param tailProbability share of requests in the tail, in [0, 1]
 * @param failureRate share of requests answered 503, in [0, 1]
 * @param outage whether every request is answered 503 (and the health check fails)
 */
public record DownstreamProfile(
    double p50Ms, double tailMs, double tailProbability, double failureRate, boolean outage) {

  /** Validates the fields. */
  public DownstreamProfile {
    range("p50Ms", p50Ms, 0, 60_000);
    range("tailMs", tailMs, 0, 60_000);
    range("tailProbability", tailProbability, 0, 1);
    range("failureRate", failureRate, 0, 1);
  }

  private static void range(String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          field + " must be in [" + fmt(min) + ", " + fmt(max) + "], was " + value);
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * Returns this profile with the non-null fields of {@code change} applied.
   *
   * @param change the fields to change; null ones stay
   * @return the new profile
   * @throws IllegalArgumentException naming the field when a value is out of range
   */
  public DownstreamProfile with(Change change) {
    return new DownstreamProfile(
        change.p50Ms() != null ? change.p50Ms() : p50Ms,
        change.tailMs() != null ? change.tailMs() : tailMs,
        change.tailProbability() != null ? change.tailProbability() : tailProbability,
        change.failureRate() != null ? change.failureRate() : failureRate,
        change.outage() != null ? change.outage() : outage);
  }

  /**
   * A partial change of a profile, as posted to {@code /admin/downstream}; null fields stay as they
   * are.
   *
   * @param p50Ms new median, or null
   * @param tailMs new tail latency, or null
   * @param tailProbability new tail share, or null
   * @param failureRate new failure share, or null
   * @param outage new outage switch, or null
   */
  public record Change(
      Double p50Ms, Double tailMs, Double tailProbability, Double failureRate, Boolean outage) {}
}
