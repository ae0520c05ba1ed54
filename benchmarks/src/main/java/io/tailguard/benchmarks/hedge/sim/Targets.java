package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.HedgeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The targets tg-default is held to, and the summary of a scenario against them. Targets compare
 * policies run on the same draws, never absolute times.
 *
 * <ul>
 *   <li>{@link Kind#TAIL} (stationary, shift, replicas, fast failures, cold start, restored): p99.9
 *       at most 1.2 times the best fixed delay in hindsight's, and at most 1.2 times that of the
 *       best fixed delay within the budget's share (whatever tg-default spends); at most
 *       running-p95's, unless running-p95 spent more than the budget and no fixed delay within the
 *       budget reaches its p99.9; and extra attempts within the budget (plus what its bucket may
 *       hold) in each half.
 *   <li>{@link Kind#PAUSES}: extra attempts within the budget in each half, p99.9 at most none's.
 *   <li>{@link Kind#OVERLOAD}: p50 at most 1.05 times none's, completed calls per second at least
 *       0.99 times none's.
 *   <li>{@link Kind#OVERLOAD_GROWING}: those, and extra attempts in the second half (the longer
 *       queue) at most those of the first.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class Targets {

  /** Which targets apply to a scenario. */
  enum Kind {
    TAIL,
    PAUSES,
    OVERLOAD,
    /** An overload whose queue grows in the second half: also, extra attempts must not grow. */
    OVERLOAD_GROWING
  }

  static final double BEST_FIXED_FACTOR = 1.2;
  static final double P50_FACTOR = 1.05;
  static final double THROUGHPUT_FACTOR = 0.99;

  /** The seconds of its share the hedge budget may hold (HedgeBudget.RESERVE_SECONDS). */
  static final int RESERVE_SECONDS = 2;

  private Targets() {}

  /**
   * Summarises a scenario.
   *
   * @param scenario the scenario
   * @param results every policy's figures
   * @return the summary
   */
  static Summary evaluate(Scenario scenario, List<PolicyResult> results) {
    double budget = HedgeConfig.defaults().budget().maxExtraLoad();
    PolicyResult tg = find(results, Policies.TG_DEFAULT);
    PolicyResult running = find(results, Policies.RUNNING_P95);
    PolicyResult none = find(results, Policies.NONE);
    PolicyResult best = null;
    for (PolicyResult r : results) {
      if (r.policy().startsWith(Policies.FIXED_PREFIX)
          && r.extra() <= tg.extra()
          && (best == null || r.p999Millis() < best.p999Millis())) {
        best = r;
      }
    }
    List<Check> checks = new ArrayList<>();
    switch (scenario.targets()) {
      case TAIL:
        Check toBestFixed =
            best == null
                ? new Check(
                    "p99.9 <= 1.2 x best fixed",
                    false,
                    String.format(
                        Locale.ROOT,
                        "no fixed delay has extra attempts <= tg-default's %s",
                        percent(tg.extra())))
                : check(
                    "p99.9 <= 1.2 x best fixed",
                    tg.p999Millis(),
                    BEST_FIXED_FACTOR,
                    best.p999Millis(),
                    best.policy());
        checks.add(toBestFixed.judgedOnTheMedian());
        checks.add(withinBudgetCheck(tg, results, budget).judgedOnTheMedian());
        checks.add(runningP95Check(tg, running, results, budget).judgedOnTheMedian());
        addBudgetChecks(checks, tg, budget, scenario);
        break;
      case PAUSES:
        addBudgetChecks(checks, tg, budget, scenario);
        checks.add(check("p99.9 <= none's", tg.p999Millis(), 1, none.p999Millis(), Policies.NONE));
        break;
      case OVERLOAD:
      case OVERLOAD_GROWING:
        checks.add(
            check("p50 <= 1.05 x none's", tg.p50Millis(), P50_FACTOR, none.p50Millis(), "none"));
        double floor = THROUGHPUT_FACTOR * none.completedPerSecond();
        checks.add(
            new Check(
                "completed calls/s >= 0.99 x none's",
                tg.completedPerSecond() >= floor,
                String.format(
                    Locale.ROOT,
                    "%.1f/s vs 0.99 x %.1f/s = %.1f/s",
                    tg.completedPerSecond(),
                    none.completedPerSecond(),
                    floor)));
        if (scenario.targets() == Kind.OVERLOAD_GROWING) {
          checks.add(
              new Check(
                  "extra attempts fall as the queue grows: 2nd half <= 1st half",
                  tg.extraSecondHalf() <= tg.extraFirstHalf(),
                  String.format(
                      Locale.ROOT,
                      "%s then %s",
                      percent(tg.extraFirstHalf()),
                      percent(tg.extraSecondHalf()))));
        }
        break;
      default:
        throw new AssertionError(scenario.targets());
    }
    return new Summary(
        scenario.name(),
        best == null ? null : best.policy(),
        best == null ? Double.NaN : best.p999Millis(),
        best == null ? Double.NaN : best.extra(),
        best == null ? Double.NaN : tg.p999Millis() / best.p999Millis(),
        tg.p999Millis() / running.p999Millis(),
        tg.extraFirstHalf(),
        tg.extraSecondHalf(),
        budget,
        List.copyOf(checks));
  }

  /**
   * The per-half budget check. A token bucket bounds hedges by its share of the primaries plus what
   * it held when the span began, so no budget with a reserve keeps every span of a saturated budget
   * at exactly its share: the bound is the share plus the bucket's capacity (the larger of the
   * burst and {@code RESERVE_SECONDS} of the share) spread over the half's calls. The strict share
   * is printed alongside.
   */
  private static void addBudgetChecks(
      List<Check> checks, PolicyResult tg, double budget, Scenario scenario) {
    double callsPerHalf = Math.max(1, tg.calls() / 2.0);
    double capacity =
        Math.max(
            HedgeConfig.defaults().budget().burst(), budget * scenario.rate() * RESERVE_SECONDS);
    double bound = budget + capacity / callsPerHalf;
    checks.add(budgetCheck("1st", tg.extraFirstHalf(), budget, bound));
    checks.add(budgetCheck("2nd", tg.extraSecondHalf(), budget, bound));
  }

  private static Check budgetCheck(String half, double extra, double budget, double bound) {
    return new Check(
        "extra <= budget (+ its reserve), " + half + " half",
        extra <= bound,
        String.format(
            Locale.ROOT,
            "%s vs %s%s (budget + reserve %s)",
            percent(extra),
            percent(budget),
            extra <= budget ? "" : ", over the share",
            percent(bound)));
  }

  /**
   * The best fixed delay in hindsight is chosen among those that spend no more than tg-default, so
   * a tg-default that hedges too little (and too late) is compared with fixed delays as idle as
   * itself. This check compares it with every fixed delay that keeps within the budget's share in
   * both halves: tokens the budget allows and tg-default leaves unspent must not cost more than
   * 1.2x the p99.9 they would have bought.
   */
  private static Check withinBudgetCheck(
      PolicyResult tg, List<PolicyResult> results, double budget) {
    String target = "p99.9 <= 1.2 x best fixed within the budget";
    PolicyResult best = bestFixedWithin(results, budget);
    if (best == null) {
      return new Check(target, true, "no fixed delay keeps within the budget in both halves");
    }
    return check(target, tg.p999Millis(), BEST_FIXED_FACTOR, best.p999Millis(), best.policy());
  }

  /** The fixed delay with the lowest p99.9 among those within the budget's share in each half. */
  private static PolicyResult bestFixedWithin(List<PolicyResult> results, double budget) {
    PolicyResult best = null;
    for (PolicyResult r : results) {
      if (r.policy().startsWith(Policies.FIXED_PREFIX)
          && r.extraFirstHalf() <= budget
          && r.extraSecondHalf() <= budget
          && (best == null || r.p999Millis() < best.p999Millis())) {
        best = r;
      }
    }
    return best;
  }

  /**
   * Running-p95 has no budget. Where it spends more than the budget in some half and no fixed delay
   * that keeps within the budget in both halves reaches its p99.9, its p99.9 is out of reach of any
   * hedger that keeps the budget, and the check says so instead of failing; otherwise tg-default's
   * p99.9 must be at most running-p95's.
   */
  private static Check runningP95Check(
      PolicyResult tg, PolicyResult running, List<PolicyResult> results, double budget) {
    String target = "p99.9 <= running-p95's";
    if (tg.p999Millis() <= running.p999Millis()) {
      return check(target, tg.p999Millis(), 1, running.p999Millis(), Policies.RUNNING_P95);
    }
    boolean overspends = running.extraFirstHalf() > budget || running.extraSecondHalf() > budget;
    PolicyResult bestWithin = bestFixedWithin(results, budget);
    boolean outOfReach =
        overspends && (bestWithin == null || bestWithin.p999Millis() > running.p999Millis());
    return new Check(
        target,
        outOfReach,
        String.format(
            Locale.ROOT,
            "tg-default %.2f ms vs running-p95 %.2f ms at %s / %s extra%s",
            tg.p999Millis(),
            running.p999Millis(),
            percent(running.extraFirstHalf()),
            percent(running.extraSecondHalf()),
            outOfReach
                ? String.format(
                    Locale.ROOT,
                    "; out of reach within the budget: the best fixed delay within it, %s,"
                        + " has %.2f ms",
                    bestWithin == null ? "none" : bestWithin.policy(),
                    bestWithin == null ? Double.NaN : bestWithin.p999Millis())
                : ""));
  }

  // tg-default's value must be at most factor times the other's.
  private static Check check(
      String target, double value, double factor, double other, String otherName) {
    String bound =
        factor == 1
            ? String.format(Locale.ROOT, "%s %.2f ms", otherName, other)
            : String.format(
                Locale.ROOT,
                "%.2f x %s %.2f ms = %.2f ms",
                factor,
                otherName,
                other,
                factor * other);
    return new Check(
        target,
        value <= factor * other,
        String.format(Locale.ROOT, "tg-default %.2f ms vs %s", value, bound));
  }

  private static PolicyResult find(List<PolicyResult> results, String name) {
    return results.stream()
        .filter(r -> r.policy().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no results of policy " + name));
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.2f%%", share * 100);
  }
}
