package io.tailguard.benchmarks.hedge.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Says where a policy's slowest calls come from, in virtual time: of the measured calls slower than
 * a threshold, how many never sent a hedge, how many sent their first hedge late (at or after a
 * given age), and how many were hedged earlier and still slow. Budget starvation shows as the first
 * two; hedges that stalled too as the third.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.tailguard.benchmarks.hedge.sim.TailBreakdown \
 *   --only replicas --seed 2026 --seconds 120 \
 *   --policies tg-default,fixed-150ms --above-ms 200 --late-ms 150
 * }</pre>
 *
 * <p>The other options are those of {@link HedgeScenarios} ({@code --virtual} is implied); {@code
 * --only} names one scenario. Stateless; each run is confined to the thread that makes it.
 */
public final class TailBreakdown {

  private static final String USAGE =
      "usage: TailBreakdown --only scenario [--seed S] [--seconds N] [--rate R] [--warmup N]"
          + " [--policies a,b,...] [--above-ms T] [--late-ms L]";

  private TailBreakdown() {}

  /**
   * Runs the breakdown and prints one line per policy.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(List.of("--virtual"));
    List<String> policies = List.of(Policies.TG_DEFAULT);
    double aboveMs = 200;
    double lateMs = 150;
    List<Scenario> scenarios;
    List<PolicySpec> specs = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--policies") || a.equals("--above-ms") || a.equals("--late-ms")) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("missing value: " + a);
          }
          String v = args[++i];
          switch (a) {
            case "--policies" -> policies = List.of(v.split(","));
            case "--above-ms" -> aboveMs = positive(a, v);
            default -> lateMs = positive(a, v);
          }
        } else {
          rest.add(a);
        }
      }
      scenarios = Scenarios.of(RunOptions.parse(rest.toArray(String[]::new)));
      if (scenarios.size() != 1) {
        throw new IllegalArgumentException("--only must name one scenario");
      }
      for (String name : policies) {
        specs.add(
            Policies.all().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown policy: " + name)));
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Scenario scenario = scenarios.get(0);
    for (PolicySpec spec : specs) {
      System.out.println(run(scenario, spec, millis(aboveMs), millis(lateMs)));
    }
  }

  private static double positive(String option, String value) {
    try {
      double v = Double.parseDouble(value);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " needs a positive number, was '" + value + "'");
  }

  private static long millis(double ms) {
    return (long) (ms * TimeUnit.MILLISECONDS.toNanos(1));
  }

  /**
   * Simulates one policy in one scenario and describes its calls above {@code aboveNanos}.
   *
   * @param scenario the scenario, which must not restart its policy
   * @param spec the policy
   * @param aboveNanos the latency above which a call is described
   * @param lateNanos the age from which a first hedge counts as late
   * @return one line
   */
  static String run(Scenario scenario, PolicySpec spec, long aboveNanos, long lateNanos) {
    if (scenario.restoreAtStart() || scenario.servers() > 0) {
      throw new IllegalArgumentException(
          scenario.name() + " restarts its policy or queues its attempts; not supported here");
    }
    SimTime sim = new SimTime();
    long origin = sim.nanoTime();
    DelayBackend backend = new DelayBackend(scenario.model(), sim, origin);
    int n = Math.toIntExact(scenario.requests());
    long[] latency = new long[n];
    long[] firstHedge = new long[n];
    int[] attempts = new int[n];
    Arrays.fill(firstHedge, -1);
    SimPolicy policy = spec.create(Wiring.virtual(sim));
    try {
      for (int r = 0; r < n; r++) {
        int i = r;
        sim.scheduleAt(
            origin + scenario.intendedNanos(i),
            () -> {
              long start = sim.nanoTime();
              policy
                  .callAsync(
                      k -> {
                        attempts[i]++;
                        if (k == 1) {
                          firstHedge[i] = sim.nanoTime() - start;
                        }
                        return backend.attempt(i, k);
                      })
                  .whenComplete((v, e) -> latency[i] = sim.nanoTime() - start);
            });
      }
      while (sim.runNext(origin + scenario.end() + VirtualRunner.DRAIN_NANOS)) {
        // each iteration runs one event
      }
    } finally {
      policy.close();
    }
    int from = Math.toIntExact(scenario.firstRequestAt(scenario.measuredStart()));
    int to = Math.toIntExact(scenario.firstRequestAt(scenario.end()));
    long[] sorted = Arrays.copyOfRange(latency, from, to);
    Arrays.sort(sorted);
    long p999 = sorted[(int) Math.ceil(sorted.length * 0.999) - 1];
    long extra = 0;
    int above = 0;
    int never = 0;
    int late = 0;
    for (int i = from; i < to; i++) {
      extra += attempts[i] - 1;
      if (latency[i] > aboveNanos) {
        above++;
        if (firstHedge[i] < 0) {
          never++;
        } else if (firstHedge[i] >= lateNanos) {
          late++;
        }
      }
    }
    return String.format(
        Locale.ROOT,
        "%s: p99.9 %.1f ms, extra %.2f%%; %d calls above %.0f ms: %d never hedged, %d first hedged"
            + " at %.0f ms or later, %d hedged earlier",
        spec.name(),
        p999 / 1e6,
        100.0 * extra / sorted.length,
        above,
        aboveNanos / 1e6,
        never,
        late,
        lateNanos / 1e6,
        above - never - late);
  }
}
