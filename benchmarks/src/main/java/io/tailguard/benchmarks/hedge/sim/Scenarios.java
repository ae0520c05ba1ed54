package io.tailguard.benchmarks.hedge.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The scenarios, built for one set of {@link RunOptions}: stationary stalls at 1, 3 and 5%, a shift
 * of the distribution at half time in either direction, replicas with slow episodes, a backend that
 * pauses, an overloaded backend with a queue, one whose queue grows and whose work goes on when its
 * caller withdraws it, fast failures, a cold start and a restart from a snapshot, and the replicas
 * once their slow episodes have stopped.
 *
 * <p>For checking the defaults on variations of the replicas scenario that are not in the suite,
 * three system properties change it: {@code sim.replicas} (default 3), {@code sim.gapS} (mean
 * seconds between a replica's slow episodes, default 5) and {@code sim.episodeMs} (their mean
 * length, default 500). Four more change the latency model of every scenario ({@link Regime}):
 * {@code sim.medianMs} (the body's median, default 3), {@code sim.sigma} (its spread, default 0.5),
 * {@code sim.stallScaleMs} and {@code sim.stallShape} (the Pareto stalls', default 40 and 1.5). And
 * {@code sim.shiftSeconds} makes the shift scenarios' move gradual: from the first regime to the
 * second over that many seconds centred on half time (default 0: at once), a dependency that drifts
 * rather than steps; a ramp longer than the measured span starts before it and ends after it.
 *
 * <p>Stateless and thread-safe.
 */
final class Scenarios {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
  // Time-based processes are computed this far beyond the last arrival, for attempts still running.
  private static final long HORIZON_MARGIN = 120 * SECOND;
  private static final long SHORT_SPAN = 5 * SECOND;
  private static final long TRAINING = 20 * SECOND;
  private static final int SERVERS = 8;
  private static final double UTILISATION = 0.9;
  // overload-growing: utilisation without hedging in the first half, then in the second.
  private static final double GROWING_FROM = 0.85;
  private static final double GROWING_TO = 0.97;

  private Scenarios() {}

  /**
   * Returns the scenarios the options ask for, in the order of the report.
   *
   * @param o the options
   * @return the scenarios
   * @throws IllegalArgumentException if {@code --only} names an unknown scenario
   */
  static List<Scenario> of(RunOptions o) {
    List<Scenario> all = all(o);
    if (o.only().isEmpty()) {
      return all;
    }
    List<String> names = all.stream().map(Scenario::name).collect(Collectors.toList());
    for (String n : o.only()) {
      if (!names.contains(n)) {
        throw new IllegalArgumentException("unknown scenario '" + n + "'; known: " + names);
      }
    }
    return all.stream().filter(s -> o.only().contains(s.name())).collect(Collectors.toList());
  }

  private static List<Scenario> all(RunOptions o) {
    long seed = o.seed();
    long warmup = o.warmupSeconds() * SECOND;
    long measured = o.seconds() * SECOND;
    long shiftAt = warmup + measured / 2;
    long horizon = warmup + measured + HORIZON_MARGIN;
    double rate = o.rate();
    List<Scenario> s = new ArrayList<>();

    for (int percent : new int[] {1, 3, 5}) {
      String name = "stationary-" + percent;
      Regime r = Regime.of(Regime.MEDIAN_MILLIS, percent / 100.0);
      s.add(
          tail(name, r.describe(), rate, warmup, measured, RegimeModel.stationary(seed, name, r)));
    }

    Regime fast = Regime.of(Regime.MEDIAN_MILLIS, 0.03);
    Regime slow = Regime.of(3 * Regime.MEDIAN_MILLIS, 0.05);
    long ramp = Math.round(Regime.property("sim.shiftSeconds", 0, true, 3_600) * SECOND);
    s.add(shift(seed, "shift-up", fast, slow, rate, warmup, measured, shiftAt, ramp));
    s.add(shift(seed, "shift-down", slow, fast, rate, warmup, measured, shiftAt, ramp));

    Regime base = Regime.of(Regime.MEDIAN_MILLIS, 0.01);
    ReplicaModel replicas = replicas(seed, "replicas", base, horizon);
    s.add(
        tail(
            "replicas",
            replicas.describe() + ": " + replicas.describeEpisodes(warmup + measured),
            rate,
            warmup,
            measured,
            replicas));

    // The same replicas with slow episodes through the warm-up and as long again, then none: what
    // a hedger that learned a bursty dependency does once the bursts stop (an incident that ends).
    long calmFrom = warmup + measured;
    ReplicaModel calmAfter = replicas(seed, "calm-after-bursts", base, calmFrom);
    s.add(
        tail(
            "calm-after-bursts",
            "the replicas scenario's backend, with slow episodes only before the measured span ("
                + calmAfter.describeEpisodes(calmFrom)
                + "), which starts "
                + calmFrom / SECOND
                + " s in",
            rate,
            calmFrom,
            measured,
            calmAfter));

    Intervals pauses =
        Intervals.periodic(
            Draws.forProcess(seed, "correlated-pauses", "pauses"),
            3 * SECOND,
            200 * MILLI,
            500 * MILLI,
            horizon);
    s.add(
        new Scenario(
            "correlated-pauses",
            base.describe()
                + String.format(
                    Locale.ROOT,
                    "; a 200 ms pause every 3 s (mid-period, jitter +-0.5 s) freezes every attempt"
                        + " in flight: %d pauses, %.1f s paused",
                    pauses.countBefore(warmup + measured),
                    pauses.totalBefore(warmup + measured) / 1e9)
                + timeline(rate, warmup, measured),
            Targets.Kind.PAUSES,
            rate,
            warmup,
            measured,
            false,
            new PauseModel(RegimeModel.stationary(seed, "correlated-pauses", base), pauses),
            0,
            true));

    double overloadRate = UTILISATION * SERVERS / (base.meanMillis() / 1000);
    s.add(
        new Scenario(
            "overload",
            String.format(
                    Locale.ROOT,
                    "%d servers, FIFO queue; service time %s (mean %.3f ms); rate %.1f/s for %.0f%%"
                        + " utilisation without hedging",
                    SERVERS,
                    base.describe(),
                    base.meanMillis(),
                    overloadRate,
                    UTILISATION * 100)
                + timeline(overloadRate, warmup, measured),
            Targets.Kind.OVERLOAD,
            overloadRate,
            warmup,
            measured,
            false,
            RegimeModel.stationary(seed, "overload", base),
            SERVERS,
            true));

    // Work that goes on when its caller withdraws it (most servers never notice a client hanging
    // up), so every hedge adds load, and a service that slows at half time: the queue grows.
    double growingRate = GROWING_FROM * SERVERS / (base.meanMillis() / 1000);
    double slowdown = GROWING_TO / GROWING_FROM;
    Regime slower = Regime.of(slowdown * Regime.MEDIAN_MILLIS, slowdown * 0.01);
    s.add(
        new Scenario(
            "overload-growing",
            String.format(
                    Locale.ROOT,
                    "%d servers, FIFO queue, work not cancelled when its caller withdraws it;"
                        + " service time %s (mean %.3f ms), at half time %.2f times slower (mean"
                        + " %.3f ms); rate %.1f/s for %.0f%% then %.0f%% utilisation without"
                        + " hedging",
                    SERVERS,
                    base.describe(),
                    base.meanMillis(),
                    slowdown,
                    slower.meanMillis(),
                    growingRate,
                    GROWING_FROM * 100,
                    GROWING_TO * 100)
                + timeline(growingRate, warmup, measured),
            Targets.Kind.OVERLOAD_GROWING,
            growingRate,
            warmup,
            measured,
            false,
            new RegimeModel(seed, "overload-growing", base, slower, shiftAt),
            SERVERS,
            false));

    Regime failing = Regime.of(Regime.MEDIAN_MILLIS, 0.03).withFailures(0.10);
    s.add(
        tail(
            "fast-failures",
            failing.describe(),
            rate,
            warmup,
            measured,
            RegimeModel.stationary(seed, "fast-failures", failing)));

    long shortSpan = Math.min(SHORT_SPAN, measured);
    s.add(
        tail(
            "cold-start",
            fast.describe() + "; brand-new hedgers, no warm-up",
            rate,
            0,
            shortSpan,
            RegimeModel.stationary(seed, "cold-start", fast)));
    s.add(
        new Scenario(
            "restored",
            fast.describe()
                + "; each policy trained for 20 s, then replaced by a new instance restored from"
                + " its snapshot (running-p95 and none start cold)"
                + timeline(rate, TRAINING, shortSpan),
            Targets.Kind.TAIL,
            rate,
            TRAINING,
            shortSpan,
            true,
            RegimeModel.stationary(seed, "restored", fast),
            0,
            true));
    return s;
  }

  // A shift at half time, at once or over a ramp centred on it (sim.shiftSeconds).
  private static Scenario shift(
      long seed,
      String name,
      Regime from,
      Regime to,
      double rate,
      long warmup,
      long measured,
      long shiftAt,
      long ramp) {
    String backend =
        ramp == 0
            ? "first half: " + from.describe() + "; second half: " + to.describe()
            : String.format(
                Locale.ROOT,
                "from %s to %s, moving over %s s centred on half time",
                from.describe(),
                to.describe(),
                Regime.plain(ramp / 1e9));
    return tail(
        name,
        backend,
        rate,
        warmup,
        measured,
        new RegimeModel(seed, name, from, to, shiftAt, ramp));
  }

  // The replicas' backend, with the sim.* properties' variations, episodes up to the horizon.
  private static ReplicaModel replicas(long seed, String name, Regime base, long horizon) {
    return new ReplicaModel(
        seed,
        name,
        base,
        replicaCount(),
        Regime.property("sim.gapS", 5, Double.POSITIVE_INFINITY) * SECOND,
        Regime.property("sim.episodeMs", 500, Double.POSITIVE_INFINITY) * MILLI,
        horizon);
  }

  private static int replicaCount() {
    double n = Regime.property("sim.replicas", 3, 1_000);
    if (n != Math.rint(n)) {
      throw new IllegalArgumentException("sim.replicas must be a whole number, was " + n);
    }
    return (int) n;
  }

  private static Scenario tail(
      String name, String backend, double rate, long warmup, long measured, LatencyModel model) {
    return new Scenario(
        name,
        backend + timeline(rate, warmup, measured),
        Targets.Kind.TAIL,
        rate,
        warmup,
        measured,
        false,
        model,
        0,
        true);
  }

  private static String timeline(double rate, long warmup, long measured) {
    return String.format(
        Locale.ROOT,
        "; %s; %.1f requests/s; unmeasured %.0f s, then measured %.0f s (halves of %.1f s)",
        Regime.describeStalls(),
        rate,
        warmup / 1e9,
        measured / 1e9,
        measured / 2e9);
  }
}
