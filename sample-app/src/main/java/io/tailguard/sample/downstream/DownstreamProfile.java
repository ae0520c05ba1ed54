package io.tailguard.sample.downstream;

import java.util.List;
import java.util.Set;

/**
 * How the simulated downstream behaves: its latency distribution, its failures, and the faults the
 * chaos tests inject. Immutable.
 *
 * <p>A request fails at once with 503 during an {@code outage}, when its route is {@code down}, or
 * in a failing phase of {@code flapMs}. During a {@code hang} it is read and never answered.
 * Otherwise its connection is closed without an answer with probability {@code resetRate}, it is
 * answered 200 with bytes that are not JSON with probability {@code garbageRate}, and it fails with
 * 503 with probability {@code failureRate}; it takes:
 *
 * <ul>
 *   <li>with probability {@code tailProbability}: {@code tailMs} times a Pareto variate (shape 2,
 *       so half of these take more than 1.4 x {@code tailMs}, one in a hundred more than 10 x),
 *       capped at 20 x {@code tailMs}: the heavy tail that hedging is for;
 *   <li>otherwise: lognormal with median {@code p50Ms} (sigma 0.35: p99 about 2.3 x the median);
 *   <li>and, with probability {@code slowRate}, {@code slowMs} more (a brownout).
 * </ul>
 *
 * @param p50Ms median latency of the body of the distribution, in [0, 60000] ms
 * @param tailMs least latency of a tail request, in [0, 60000] ms
 * @param tailProbability share of requests in the tail, in [0, 1]
 * @param failureRate share of requests answered 503, in [0, 1]
 * @param outage whether every request is answered 503 (and the health check fails)
 * @param hang whether requests are read and never answered (the health check still answers);
 *     requests held when it ends have their connections closed
 * @param slowRate share of requests that take {@code slowMs} longer, in [0, 1]
 * @param slowMs extra latency of a slow request, in [0, 60000] ms
 * @param flapMs 0, or the length in [10, 600000] ms of each phase of a downstream that alternates
 *     between healthy and failing (every request 503 at once), healthy first, counted from when the
 *     profile that set it came into force
 * @param resetRate share of requests whose connection is closed without an answer, in [0, 1]
 * @param garbageRate share of requests answered 200 with bytes that are not JSON, in [0, 1]
 * @param down routes answered 503 at once, each one of {@link #ROUTES}
 */
public record DownstreamProfile(
    double p50Ms,
    double tailMs,
    double tailProbability,
    double failureRate,
    boolean outage,
    boolean hang,
    double slowRate,
    double slowMs,
    double flapMs,
    double resetRate,
    double garbageRate,
    List<String> down) {

  /** The downstream's routes, by the first segment of their path. */
  public static final Set<String> ROUTES =
      Set.of("quotes", "search", "auth", "db", "inventory", "catalog");

  /** Validates the fields. */
  public DownstreamProfile {
    range("p50Ms", p50Ms, 0, 60_000);
    range("tailMs", tailMs, 0, 60_000);
    range("tailProbability", tailProbability, 0, 1);
    range("failureRate", failureRate, 0, 1);
    range("slowRate", slowRate, 0, 1);
    range("slowMs", slowMs, 0, 60_000);
    if (flapMs != 0) {
      range("flapMs", flapMs, 10, 600_000);
    }
    range("resetRate", resetRate, 0, 1);
    range("garbageRate", garbageRate, 0, 1);
    down = down == null ? List.of() : List.copyOf(down);
    for (String route : down) {
      if (!ROUTES.contains(route)) {
        throw new IllegalArgumentException(
            "down must list routes among "
                + ROUTES.stream().sorted().toList()
                + ", was '"
                + route
                + "'");
      }
    }
  }

  /**
   * A profile without injected faults.
   *
   * @param p50Ms median latency, in [0, 60000] ms
   * @param tailMs least latency of a tail request, in [0, 60000] ms
   * @param tailProbability share of requests in the tail, in [0, 1]
   * @param failureRate share of requests answered 503, in [0, 1]
   * @param outage whether every request is answered 503
   */
  public DownstreamProfile(
      double p50Ms, double tailMs, double tailProbability, double failureRate, boolean outage) {
    this(p50Ms, tailMs, tailProbability, failureRate, outage, false, 0, 0, 0, 0, 0, List.of());
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
   * Whether a request of this route is answered 503 at once, before any draw.
   *
   * @param route the route
   * @return whether it is down
   */
  boolean isDown(String route) {
    return outage || down.contains(route);
  }

  /**
   * This profile without its injected faults (hang, slow calls, flapping, resets, garbage, routes
   * down); latency, failure rate and outage stay.
   *
   * @return the profile
   */
  public DownstreamProfile withoutFaults() {
    return new DownstreamProfile(p50Ms, tailMs, tailProbability, failureRate, outage);
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
        change.outage() != null ? change.outage() : outage,
        change.hang() != null ? change.hang() : hang,
        change.slowRate() != null ? change.slowRate() : slowRate,
        change.slowMs() != null ? change.slowMs() : slowMs,
        change.flapMs() != null ? change.flapMs() : flapMs,
        change.resetRate() != null ? change.resetRate() : resetRate,
        change.garbageRate() != null ? change.garbageRate() : garbageRate,
        change.down() != null ? change.down() : down);
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
   * @param hang new hang switch, or null
   * @param slowRate new share of slow requests, or null
   * @param slowMs new extra latency of slow requests, or null
   * @param flapMs new flapping phase length (0 stops flapping), or null
   * @param resetRate new share of connections closed without an answer, or null
   * @param garbageRate new share of garbage answers, or null
   * @param down new routes down (empty: none), or null
   */
  public record Change(
      Double p50Ms,
      Double tailMs,
      Double tailProbability,
      Double failureRate,
      Boolean outage,
      Boolean hang,
      Double slowRate,
      Double slowMs,
      Double flapMs,
      Double resetRate,
      Double garbageRate,
      List<String> down) {}
}
