package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.hedge.Hedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The policies every scenario runs: no hedging, fixed delays from 1 to 300 ms on Tailguard's other
 * defaults (to find the best fixed delay in hindsight), a running p95 of call latencies without a
 * budget, a Finagle-like windowed p95 with the default budget, and Tailguard's defaults and each of
 * its strategies on their defaults.
 *
 * <p>Stateless and thread-safe.
 */
final class Policies {

  /** The name of the policy the targets are about. */
  static final String TG_DEFAULT = "tg-default";

  static final String NONE = "none";
  static final String RUNNING_P95 = "running-p95";
  static final String FIXED_PREFIX = "fixed-";

  private static final int[] FIXED_MILLIS = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 23, 26, 30, 35, 40, 45, 50, 60, 70, 80,
    90, 100, 120, 150, 200, 300
  };

  private Policies() {}

  /**
   * Returns every policy, in the order of the tables.
   *
   * @return the policies
   */
  static List<PolicySpec> all() {
    List<PolicySpec> all = new ArrayList<>();
    all.add(new PolicySpec(NONE, w -> new Unhedged()));
    // The anchor: Tailguard's defaults but for a FIXED delay, so that only the choice of delay
    // differs from tg-default (same hedge count, same budget).
    HedgeConfig defaults = HedgeConfig.defaults();
    for (int ms : FIXED_MILLIS) {
      HedgeConfig config =
          defaults.toBuilder()
              .delay(
                  defaults.delay().toBuilder()
                      .strategy(HedgeDelayType.FIXED)
                      .delay(Duration.ofMillis(ms))
                      .build())
              .build();
      all.add(hedged(FIXED_PREFIX + ms + "ms", config));
    }
    all.add(new PolicySpec(RUNNING_P95, Policies::runningP95));
    all.add(
        hedged(
            "finagle",
            HedgeConfig.builder()
                .delay(
                    DelayConfig.builder()
                        .strategy(HedgeDelayType.PERCENTILE)
                        .percentile(95)
                        .window(Duration.ofSeconds(30))
                        .recomputeInterval(Duration.ofSeconds(3))
                        .build())
                .build()));
    all.add(hedged(TG_DEFAULT, HedgeConfig.defaults()));
    for (HedgeDelayType type :
        List.of(
            HedgeDelayType.FIXED,
            HedgeDelayType.PERCENTILE,
            HedgeDelayType.ADAPTIVE,
            HedgeDelayType.BACKOFF)) {
      HedgeConfig d = HedgeConfig.defaults();
      all.add(
          hedged(
              "tg-" + type.name().toLowerCase(Locale.ROOT),
              d.toBuilder().delay(d.delay().toBuilder().strategy(type).build()).build()));
    }
    return all;
  }

  /**
   * Returns the budget of the baselines that must not be limited by one: the largest values {@link
   * BudgetConfig} allows, and no time-based refill.
   *
   * @return the budget
   */
  static BudgetConfig unlimitedBudget() {
    return new BudgetConfig(10, 0, 1_000_000);
  }

  private static PolicySpec hedged(String name, HedgeConfig config) {
    return new PolicySpec(
        name,
        w ->
            new HedgedPolicy(
                w.builder().apply(Hedger.builder(name).config(config)).build(),
                w.clock(),
                null,
                true));
  }

  private static SimPolicy runningP95(Wiring w) {
    Hedger hedger =
        w.builder()
            .apply(
                Hedger.builder(RUNNING_P95)
                    // One hedge, as the 20-line reference hedger sends.
                    .config(HedgeConfig.builder().maxHedges(1).budget(unlimitedBudget()).build()))
            .build();
    RunningP95Delay strategy = new RunningP95Delay();
    hedger.useStrategy(strategy);
    return new HedgedPolicy(hedger, w.clock(), strategy, false);
  }
}
