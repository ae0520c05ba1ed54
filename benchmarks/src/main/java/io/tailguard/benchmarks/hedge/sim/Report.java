package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.HedgeConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the results in Markdown: a header with the run's settings, a table per scenario, then the
 * summary of tg-default against its targets.
 *
 * <p>Not thread-safe: one report is printed by one thread.
 */
final class Report {

  private final PrintStream out;

  /**
   * Creates a report.
   *
   * @param out where to print it
   */
  Report(PrintStream out) {
    this.out = out;
  }

  /**
   * Prints the run's settings and the policies.
   *
   * @param o the options
   */
  void header(RunOptions o) {
    out.println("# Hedging scenarios");
    out.println();
    out.printf(
        Locale.ROOT,
        "JDK %s (%s), seed %d, mode %s%n",
        Runtime.version(),
        System.getProperty("java.vm.name"),
        o.seed(),
        o.virtual()
            ? "virtual (discrete-event simulation in virtual time)"
            : "real time (" + RequestThreads.describe() + ", attempts sleep)");
    out.printf(
        Locale.ROOT,
        "%.0f requests/s, %d s measured after %d s of warm-up (unless the scenario says otherwise);"
            + " tg-default's budget: maxExtraLoad %s%n%n",
        o.rate(),
        o.seconds(),
        o.warmupSeconds(),
        Targets.percent(HedgeConfig.defaults().budget().maxExtraLoad()));
    out.println(
        "Policies: none (no hedging); fixed-1ms ... fixed-300ms (HedgeConfig.defaults() but"
            + " a FIXED delay: same hedges and budget); running-p95 (one hedge at the p95 of the"
            + " last 2,000 call latencies, recomputed every 100 calls, 100 ms until 100 calls;"
            + " unlimited budget); finagle (PERCENTILE p95, 30 s window,"
            + " recomputed every 3 s, default budget); tg-default (HedgeConfig.defaults());"
            + " tg-fixed, tg-percentile, tg-adaptive, tg-backoff (the defaults with that"
            + " strategy). Unlimited budget = "
            + Policies.unlimitedBudget()
            + ".");
    out.println();
    out.println(
        "Columns: latencies in ms from each request's intended start, failed calls included;"
            + " extra = extra attempts per call (hedges and retries after failures), overall and"
            + " per half; refused = hedges refused by the budget; delay = hedge delay at the end;"
            + " wins = share of hedges that answered; calls/s = successful calls ended in the"
            + " span, per second.");
    out.println();
  }

  /**
   * Prints one scenario's table.
   *
   * @param r the scenario's results
   */
  void scenario(ScenarioResult r) {
    Scenario s = r.scenario();
    boolean queue = s.servers() > 0;
    out.println("## " + s.name());
    out.println();
    out.println(s.parameters());
    out.println();
    out.print(
        "| policy | calls | p50 | p99 | p99.9 | max | extra | extra 1st | extra 2nd | refused"
            + " | delay | wins | calls/s | failed |");
    out.println(queue ? " wait 1st | wait 2nd | busy |" : "");
    out.print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    out.println(queue ? "--:|--:|--:|" : "");
    List<String> unfinished = new ArrayList<>();
    for (PolicyResult p : r.policies()) {
      out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %.1f | %s |",
          p.policy(),
          p.calls(),
          millis(p.p50Millis()),
          millis(p.p99Millis()),
          millis(p.p999Millis()),
          millis(p.maxMillis()),
          Targets.percent(p.extra()),
          Targets.percent(p.extraFirstHalf()),
          Targets.percent(p.extraSecondHalf()),
          p.budgetRefusals(),
          millis(p.finalDelayMillis()),
          Double.isNaN(p.hedgeWinRate())
              ? "-"
              : String.format(Locale.ROOT, "%.0f%%", p.hedgeWinRate() * 100),
          p.completedPerSecond(),
          Targets.percent(p.failedShare()));
      if (queue) {
        QueueStats.Figures q = p.queue();
        out.printf(
            Locale.ROOT,
            " %s | %s | %.1f%% |",
            millis(q.meanWaitMillisFirst()),
            millis(q.meanWaitMillisSecond()),
            q.utilisation() * 100);
      }
      out.println();
      if (p.unfinished() > 0) {
        unfinished.add(p.policy() + " " + p.unfinished());
      }
    }
    out.println();
    if (queue) {
      out.println(
          "wait = mean queue wait of attempts arriving in each half, ms; busy = share of server"
              + " time in use over the span.");
    }
    if (!unfinished.isEmpty()) {
      out.println(
          "Calls still running when the run stopped waiting (counted as failed): "
              + String.join(", ", unfinished)
              + ".");
    }
    out.printf(Locale.ROOT, "(ran in %.1f s)%n%n", r.elapsedMillis() / 1000.0);
  }

  /**
   * Prints the summary of every scenario and the count of passed checks.
   *
   * @param results the scenarios' results
   */
  void summary(List<ScenarioResult> results) {
    out.println("## Summary: tg-default against its targets");
    out.println();
    int checks = 0;
    List<String> failed = new ArrayList<>();
    for (ScenarioResult r : results) {
      Summary s = r.summary();
      PolicyResult tg = find(r, Policies.TG_DEFAULT);
      out.println("### " + s.scenario());
      out.println();
      if (s.bestFixed() == null) {
        out.printf(
            Locale.ROOT,
            "- best fixed in hindsight: none qualifies (every fixed delay has more extra attempts"
                + " than tg-default's %s)%n",
            Targets.percent(tg.extra()));
      } else {
        out.printf(
            Locale.ROOT,
            "- best fixed in hindsight (extra <= tg-default's %s): %s, p99.9 %s ms, extra %s%n",
            Targets.percent(tg.extra()),
            s.bestFixed(),
            millis(s.bestFixedP999Millis()),
            Targets.percent(s.bestFixedExtra()));
      }
      out.printf(
          Locale.ROOT,
          "- tg-default: p99.9 %s ms = %s x best fixed, %.2f x running-p95; extra %s / %s"
              + " (1st / 2nd half) vs budget %s%n",
          millis(tg.p999Millis()),
          Double.isNaN(s.ratioToBestFixed())
              ? "-"
              : String.format(Locale.ROOT, "%.2f", s.ratioToBestFixed()),
          s.ratioToRunningP95(),
          Targets.percent(s.extraFirstHalf()),
          Targets.percent(s.extraSecondHalf()),
          Targets.percent(s.budget()));
      if (r.scenario().targets() != Targets.Kind.TAIL) {
        PolicyResult none = find(r, Policies.NONE);
        out.printf(
            Locale.ROOT,
            "- against none: p99.9 %s vs %s ms, p50 %s vs %s ms, completed calls/s %.1f vs %.1f%n",
            millis(tg.p999Millis()),
            millis(none.p999Millis()),
            millis(tg.p50Millis()),
            millis(none.p50Millis()),
            tg.completedPerSecond(),
            none.completedPerSecond());
      }
      for (Check c : s.checks()) {
        checks++;
        out.printf("- %s %s: %s%n", c.pass() ? "PASS" : "FAIL", c.target(), c.detail());
        if (!c.pass()) {
          failed.add(s.scenario() + ": " + c.target());
        }
      }
      out.println();
    }
    out.printf(Locale.ROOT, "%d of %d checks pass.%n", checks - failed.size(), checks);
    if (!failed.isEmpty()) {
      out.println("Failing: " + String.join("; ", failed) + ".");
    }
  }

  private static PolicyResult find(ScenarioResult r, String policy) {
    return r.policies().stream().filter(p -> p.policy().equals(policy)).findFirst().orElseThrow();
  }

  // Three significant figures or so, "-" for NaN.
  static String millis(double ms) {
    if (Double.isNaN(ms)) {
      return "-";
    }
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f", ms);
    }
    if (ms < 100) {
      return String.format(Locale.ROOT, "%.1f", ms);
    }
    return String.format(Locale.ROOT, "%.0f", ms);
  }
}
