package io.tailguard.benchmarks.hedge.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The hedging scenario simulator, in the spirit of Caffeine's cache simulator: runs every scenario
 * (stationary stalls, distribution shifts, replicas with slow episodes, correlated pauses,
 * overload, fast failures, cold start, restart from a snapshot) with every policy (no hedging,
 * fixed delays, a running p95, a Finagle-like percentile, Tailguard's defaults and strategies), and
 * prints a Markdown table per scenario and a summary of {@code HedgeConfig.defaults()} against its
 * targets.
 *
 * <p>Two modes. {@code --virtual}: a deterministic discrete-event simulation in virtual time
 * ({@link SimTime}), fast, for tuning and CI. Default: real threads and real time, all policies of
 * a scenario at once, for a full run by hand. Every random draw is a pure function of the seed, the
 * scenario, the request and the attempt, so every policy meets the same backend.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tailguard.benchmarks.hedge.sim.HedgeScenarios \
 *     [--virtual] [--seconds N] [--rate R] [--seed S | --seeds S1,S2,...] [--warmup N]
 *     [--only name,...]
 * </pre>
 *
 * <p>{@code --seeds} runs the suite once per seed and prints, per scenario, tg-default's ratio to
 * the best fixed delay for each seed with the median ({@link SeedSweep}).
 *
 * <p>This class is stateless and thread-safe.
 */
public final class HedgeScenarios {

  private static final String USAGE =
      "usage: HedgeScenarios [--virtual] [--seconds N] [--rate R] [--seed S | --seeds S1,S2,...]"
          + " [--warmup N] [--only scenario,...]";

  private HedgeScenarios() {}

  /**
   * Runs the scenarios the command line asks for and prints the report on standard output.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    RunOptions options;
    try {
      options = RunOptions.parse(args);
      Scenarios.of(options); // an unknown scenario name fails here, before anything runs
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    if (options.seeds().isEmpty()) {
      run(options, System.out);
    } else {
      new SeedSweep(System.out).run(options);
    }
    System.out.printf(
        Locale.ROOT,
        "%nTotal time: %.1f s%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / 1e3);
  }

  /**
   * Runs the scenarios and prints the report.
   *
   * @param options the options
   * @param out where to print the report
   * @return the results, in the order of the scenarios
   */
  static List<ScenarioResult> run(RunOptions options, PrintStream out) {
    List<PolicySpec> policies = Policies.all();
    Report report = new Report(out);
    report.header(options);
    List<ScenarioResult> results = new ArrayList<>();
    ExecutorService pool =
        options.virtual()
            ? Executors.newFixedThreadPool(
                Runtime.getRuntime().availableProcessors(),
                r -> {
                  Thread t = new Thread(r, "sim-virtual");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    try {
      if (!options.virtual()) {
        warmUpJvm(options, policies, out);
      }
      for (Scenario s : Scenarios.of(options)) {
        long start = System.nanoTime();
        List<PolicyResult> r =
            options.virtual()
                ? VirtualRunner.run(s, policies, pool)
                : RealTimeRunner.run(s, policies);
        ScenarioResult result =
            new ScenarioResult(
                s,
                List.copyOf(r),
                Targets.evaluate(s, r),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        report.scenario(result);
        out.flush();
        results.add(result);
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    report.summary(results);
    return results;
  }

  /**
   * Runs a few seconds of stationary-3 in real time and throws the results away. In a cold JVM the
   * first second of requests is hundreds of milliseconds late (class loading, compilation, 29
   * policies starting threads at once), and a learning policy's window would keep those latencies
   * for the whole first scenario.
   */
  private static void warmUpJvm(RunOptions options, List<PolicySpec> policies, PrintStream out) {
    RunOptions brief =
        new RunOptions(false, 2, options.rate(), options.seed() + 1, 1, List.of("stationary-3"));
    long start = System.nanoTime();
    RealTimeRunner.run(Scenarios.of(brief).get(0), policies);
    out.printf(
        Locale.ROOT,
        "(JVM warm-up: 3 s of stationary-3 with another seed, not reported, took %.1f s)%n%n",
        (System.nanoTime() - start) / 1e9);
  }
}
