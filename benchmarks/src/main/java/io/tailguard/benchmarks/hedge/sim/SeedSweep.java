package io.tailguard.benchmarks.hedge.sim;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;

/**
 * Runs the whole suite once per seed and prints, per scenario, tg-default's p99.9 over the best
 * fixed delay in hindsight for every seed, with the median and the worst. A p99.9 over a 30 s run
 * rests on about a dozen calls, so one seed can pass or miss a 1.2x target by luck; the median over
 * seeds is what the defaults are judged on.
 *
 * <p>Not thread-safe: one sweep is run by one thread.
 */
final class SeedSweep {

  private final PrintStream out;

  /**
   * Creates a sweep that prints to {@code out}.
   *
   * @param out where to print the progress and the table
   */
  SeedSweep(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the suite for each of {@code options.seeds()} and prints the table.
   *
   * @param options the options, with two seeds or more
   * @return the results per seed, in the order of the seeds
   */
  List<List<ScenarioResult>> run(RunOptions options) {
    if (options.seeds().isEmpty()) {
      throw new IllegalArgumentException("a sweep needs --seeds");
    }
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    List<List<ScenarioResult>> perSeed = new ArrayList<>();
    out.printf(
        Locale.ROOT,
        "# Hedging scenarios over %d seeds%n%nmode %s, %d s measured after %d s of warm-up,"
            + " %.0f requests/s, JDK %s%n%n",
        options.seeds().size(),
        options.virtual() ? "virtual" : "real time",
        options.seconds(),
        options.warmupSeconds(),
        options.rate(),
        Runtime.version());
    for (long seed : options.seeds()) {
      long start = System.nanoTime();
      List<ScenarioResult> results = HedgeScenarios.run(options.withSeed(seed), quiet);
      perSeed.add(results);
      long failed =
          results.stream()
              .flatMap(r -> r.summary().checks().stream())
              .filter(c -> !c.pass())
              .count();
      out.printf(
          Locale.ROOT,
          "seed %d: %d failing checks (%.1f s)%n",
          seed,
          failed,
          (System.nanoTime() - start) / 1e9);
    }
    out.println();
    table(options.seeds(), perSeed);
    tailNote(perSeed.get(0));
    verdicts(perSeed);
    return perSeed;
  }

  /**
   * One target of one scenario over every seed.
   *
   * @param scenario the scenario's name
   * @param target the target, as its checks name it
   * @param holds whether it holds: a tail check on more than half the seeds (so the median run
   *     meets it), any other check on every seed
   * @param passes on how many seeds the check passed
   * @param seeds how many seeds were run
   */
  record Verdict(String scenario, String target, boolean holds, int passes, int seeds) {}

  /**
   * Judges each target over the seeds: a tail check ({@link Check#tail()}) on the median run, any
   * other check on every run.
   *
   * @param perSeed the results per seed, each with the same scenarios in the same order
   * @return one verdict per scenario and target, in the order of the checks
   */
  static List<Verdict> judge(List<List<ScenarioResult>> perSeed) {
    List<Verdict> verdicts = new ArrayList<>();
    List<ScenarioResult> first = perSeed.get(0);
    for (int s = 0; s < first.size(); s++) {
      List<Check> checks = first.get(s).summary().checks();
      for (int c = 0; c < checks.size(); c++) {
        int passes = 0;
        for (List<ScenarioResult> seed : perSeed) {
          passes += seed.get(s).summary().checks().get(c).pass() ? 1 : 0;
        }
        int n = perSeed.size();
        boolean holds = checks.get(c).tail() ? 2 * passes > n : passes == n;
        verdicts.add(
            new Verdict(first.get(s).scenario().name(), checks.get(c).target(), holds, passes, n));
      }
    }
    return verdicts;
  }

  private void verdicts(List<List<ScenarioResult>> perSeed) {
    List<Verdict> verdicts = judge(perSeed);
    long held = verdicts.stream().filter(Verdict::holds).count();
    out.printf(
        Locale.ROOT,
        "%nTargets over the seeds (the p99.9 comparisons on the median run, the others on every"
            + " run): %d of %d hold.%n",
        held,
        verdicts.size());
    for (Verdict v : verdicts) {
      if (!v.holds()) {
        out.printf(
            Locale.ROOT,
            "- MISSED %s, %s: passes on %d of %d seeds%n",
            v.scenario(),
            v.target(),
            v.passes(),
            v.seeds());
      }
    }
  }

  private void table(List<Long> seeds, List<List<ScenarioResult>> perSeed) {
    Map<String, List<Summary>> byScenario = new LinkedHashMap<>();
    Map<String, List<ScenarioResult>> resultsByScenario = new LinkedHashMap<>();
    for (List<ScenarioResult> results : perSeed) {
      for (ScenarioResult r : results) {
        byScenario.computeIfAbsent(r.scenario().name(), k -> new ArrayList<>()).add(r.summary());
        resultsByScenario.computeIfAbsent(r.scenario().name(), k -> new ArrayList<>()).add(r);
      }
    }
    StringBuilder head = new StringBuilder("| scenario |");
    StringBuilder rule = new StringBuilder("|---|");
    for (long s : seeds) {
      head.append(" seed ").append(s).append(" |");
      rule.append("--:|");
    }
    out.println(
        head
            + " median | worst | median x running-p95 | x one fixed delay for all seeds | checks"
            + " |");
    out.println(rule + "--:|--:|--:|--:|--:|");
    int passed = 0;
    int total = 0;
    for (Map.Entry<String, List<Summary>> e : byScenario.entrySet()) {
      StringBuilder row = new StringBuilder("| ").append(e.getKey()).append(" |");
      double[] ratios = new double[e.getValue().size()];
      double[] toRunning = new double[ratios.length];
      int ok = 0;
      int all = 0;
      for (int i = 0; i < ratios.length; i++) {
        Summary s = e.getValue().get(i);
        ratios[i] = s.ratioToBestFixed();
        toRunning[i] = s.ratioToRunningP95();
        row.append(' ').append(ratio(ratios[i])).append(" |");
        for (Check c : s.checks()) {
          all++;
          ok += c.pass() ? 1 : 0;
        }
      }
      passed += ok;
      total += all;
      out.printf(
          Locale.ROOT,
          "%s %s | %s | %s | %s | %d/%d |%n",
          row,
          ratio(median(ratios)),
          ratio(worst(ratios)),
          ratio(median(toRunning)),
          acrossSeeds(resultsByScenario.get(e.getKey())),
          ok,
          all);
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Ratios: tg-default's p99.9 over the best fixed delay in hindsight (the lowest p99.9 among"
            + " fixed delays with no more extra attempts than tg-default; '-' where none"
            + " qualifies). 'x one fixed delay for all seeds': tg-default's median p99.9 over"
            + " that of the fixed delay with the lowest median p99.9 over the seeds, among those"
            + " whose median extra attempts are at most tg-default's: one delay chosen in"
            + " hindsight for the scenario, not one per seed, so it is not the minimum of"
            + " noisy estimates. %d of %d checks pass over all seeds.%n",
        passed,
        total);
  }

  /**
   * Says how many calls a run's p99.9 rests on, by scenario (their spans and rates differ): few,
   * and a ratio near a target is luck.
   */
  private void tailNote(List<ScenarioResult> results) {
    LongSummaryStatistics slowest =
        results.stream()
            .flatMap(r -> r.policies().stream())
            .filter(p -> p.policy().equals(Policies.TG_DEFAULT))
            .mapToLong(p -> Math.max(1, p.calls() / 1000))
            .summaryStatistics();
    out.printf(
        Locale.ROOT,
        "A run's p99.9 rests on its slowest 0.1%% of calls, %s of them by scenario. Under about"
            + " 50, one run's ratio moves by 0.1x or more with the seed: read a median near a"
            + " target again with a longer --seconds.%n",
        slowest.getMin() == slowest.getMax()
            ? Long.toString(slowest.getMin())
            : slowest.getMin() + " to " + slowest.getMax());
  }

  /**
   * Returns tg-default's median p99.9 over that of the single fixed delay whose median p99.9 over
   * the seeds is lowest among those with no more median extra attempts: the anchor without the
   * selection bias of picking the luckiest of many noisy p99.9s per seed.
   *
   * @param results one scenario's results, one per seed
   * @return the ratio as text, with the delay, or "-" if no fixed delay qualifies
   */
  static String acrossSeeds(List<ScenarioResult> results) {
    double tgP999 = median(figure(results, Policies.TG_DEFAULT, PolicyResult::p999Millis));
    double tgExtra = median(figure(results, Policies.TG_DEFAULT, PolicyResult::extra));
    String best = null;
    double bestP999 = Double.NaN;
    for (PolicyResult p : results.get(0).policies()) {
      if (!p.policy().startsWith(Policies.FIXED_PREFIX)) {
        continue;
      }
      double extra = median(figure(results, p.policy(), PolicyResult::extra));
      double p999 = median(figure(results, p.policy(), PolicyResult::p999Millis));
      if (extra <= tgExtra && (best == null || p999 < bestP999)) {
        best = p.policy();
        bestP999 = p999;
      }
    }
    return best == null ? "-" : String.format(Locale.ROOT, "%.2fx (%s)", tgP999 / bestP999, best);
  }

  private static double[] figure(
      List<ScenarioResult> results,
      String policy,
      java.util.function.ToDoubleFunction<PolicyResult> figure) {
    return results.stream()
        .mapToDouble(
            r ->
                figure.applyAsDouble(
                    r.policies().stream()
                        .filter(p -> p.policy().equals(policy))
                        .findFirst()
                        .orElseThrow()))
        .toArray();
  }

  /** The median of the values that are not NaN; NaN if none. */
  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  private static double worst(double[] values) {
    return Arrays.stream(values).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
  }
}
