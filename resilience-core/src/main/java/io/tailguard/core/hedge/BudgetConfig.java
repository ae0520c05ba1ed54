package io.tailguard.core.hedge;

/**
 * The hedge budget: a token bucket that every primary attempt fills by {@code maxExtraLoad} and
 * every hedge drains by one, also refilled at {@code minHedgesPerSecond} so that a quiet service
 * can still hedge, and holding at most {@code burst} tokens. Over any span of time, hedges never
 * exceed {@code burst + maxExtraLoad * primaries + minHedgesPerSecond * seconds}.
 *
 * @param maxExtraLoad the share of extra attempts allowed, in (0, 10]; default 0.05 (5%)
 * @param minHedgesPerSecond the floor refill rate, in [0, 1000000]; default 1
 * @param burst the bucket's capacity, which it starts with, in [1, 1000000]; default 10
 */
public record BudgetConfig(double maxExtraLoad, double minHedgesPerSecond, double burst) {

  /** The defaults: 5% extra load, 1 hedge per second floor, burst of 10. */
  public static final BudgetConfig DEFAULTS =
      new BudgetConfig(
          HedgeSettings.MAX_EXTRA_LOAD.defaultValue(),
          HedgeSettings.MIN_HEDGES_PER_SECOND.defaultValue(),
          HedgeSettings.BURST.defaultValue());

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the field, its range and the value
   */
  public BudgetConfig {
    HedgeSettings.MAX_EXTRA_LOAD.check(maxExtraLoad);
    HedgeSettings.MIN_HEDGES_PER_SECOND.check(minHedgesPerSecond);
    HedgeSettings.BURST.check(burst);
  }
}
