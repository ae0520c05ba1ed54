package io.tailguard.core.hedge;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Settings of a hedger's delay strategy. Each strategy reads the fields it needs; the others are
 * kept so that switching strategy at run time needs no other change.
 *
 * <p>Instances are immutable and thread-safe. Builders are not thread-safe.
 */
public final class DelayConfig {

  private static final DelayConfig DEFAULTS = new Builder().build();

  /** The share of the budget that learning strategies aim at; the rest is headroom. */
  public static final double HEADROOM = 0.8;

  /** The highest hedge rate that learning strategies aim at, whatever the budget. */
  public static final double MAX_TARGET_RATE = 0.5;

  private final HedgeDelayType strategy;
  private final Duration delay;
  private final double percentile;
  private final int warmupSamples;
  private final Duration warmupDelay;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final Duration window;
  private final Duration recomputeInterval;
  private final double factor;
  private final double learningRate;

  private DelayConfig(Builder b) {
    this.strategy = b.strategy;
    this.delay = b.delay;
    this.percentile = b.percentile;
    this.warmupSamples = b.warmupSamples;
    this.warmupDelay = b.warmupDelay;
    this.minDelay = b.minDelay;
    this.maxDelay = b.maxDelay;
    this.window = b.window;
    this.recomputeInterval = b.recomputeInterval;
    this.factor = b.factor;
    this.learningRate = b.learningRate;
  }

  /**
   * Returns the defaults: ADAPTIVE, aiming at 0.8 of the budget's share, over a 10s window.
   *
   * @return the defaults
   */
  public static DelayConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The strategy. Default {@link HedgeDelayType#ADAPTIVE}: it follows a shift of the latencies
   * within a few hundred calls and keeps the hedges inside the budget whatever the latencies do
   * (docs/hedging.md compares the strategies on a suite of scenarios).
   *
   * @return the strategy
   */
  public HedgeDelayType strategy() {
    return strategy;
  }

  /**
   * The constant delay of FIXED, and the first delay of BACKOFF. Default 50ms.
   *
   * @return the delay
   */
  public Duration delay() {
    return delay;
  }

  /**
   * The percentile of recent primary latencies PERCENTILE waits for, in (0, 100), or empty (the
   * default) to derive it from the budget: {@code 100 * (1 - targetRate)}, where the target rate is
   * {@link #targetRate(BudgetConfig)}. A fixed percentile asks for {@code 100 - percentile} percent
   * of calls to hedge whatever the budget allows: p95 with a 5% budget asks for every token, so any
   * burst of slow calls finds the budget empty.
   *
   * @return the percentile, or empty to derive it from the budget
   */
  public OptionalDouble percentile() {
    return Double.isNaN(percentile) ? OptionalDouble.empty() : OptionalDouble.of(percentile);
  }

  /**
   * The share of calls a learning strategy aims to hedge within a budget: {@link #HEADROOM} of
   * {@code maxExtraLoad}, at most {@link #MAX_TARGET_RATE}. The headroom leaves tokens for bursts
   * of slow calls and for the attempts that retryable failures start at once.
   *
   * @param budget the budget
   * @return the target hedge rate, in (0, 0.5]
   */
  public static double targetRate(BudgetConfig budget) {
    return Math.min(MAX_TARGET_RATE, HEADROOM * budget.maxExtraLoad());
  }

  /**
   * How many latencies PERCENTILE and ADAPTIVE need before they trust their estimate. Default 100.
   *
   * @return the warm-up sample count
   */
  public int warmupSamples() {
    return warmupSamples;
  }

  /**
   * The delay used while a learning strategy is warming up, and whenever a strategy fails. Default
   * 100ms.
   *
   * @return the warm-up delay
   */
  public Duration warmupDelay() {
    return warmupDelay;
  }

  /**
   * The shortest delay a learning strategy may choose. Default 1ms.
   *
   * @return the lower clamp
   */
  public Duration minDelay() {
    return minDelay;
  }

  /**
   * The longest delay any strategy may choose. Default 10s.
   *
   * @return the upper clamp
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * How far back PERCENTILE and ADAPTIVE look at primary latencies. Default 10s: a 60s window took
   * a minute to notice that a dependency had become slower. Where hedges have been winning,
   * ADAPTIVE also reads the window's latest half, and follows a lower quantile there.
   *
   * @return the histogram window
   */
  public Duration window() {
    return window;
  }

  /**
   * How often PERCENTILE and ADAPTIVE recompute their delay from the window (and the granularity of
   * the window). Default 250ms.
   *
   * @return the recompute interval
   */
  public Duration recomputeInterval() {
    return recomputeInterval;
  }

  /**
   * The growth factor of BACKOFF per further hedge and per consecutive failure. Default 2.
   *
   * @return the factor
   */
  public double factor() {
    return factor;
  }

  /**
   * How fast ADAPTIVE moves its delay, in (0, 1]. Default 0.05.
   *
   * @return the learning rate
   */
  public double learningRate() {
    return learningRate;
  }

  /**
   * Returns the settings as an ordered map of plain values.
   *
   * @return the settings
   */
  public Map<String, Object> toMap() {
    return HedgeSettings.DELAY_GROUP.report(this);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof DelayConfig c && HedgeSettings.DELAY_GROUP.equal(this, c));
  }

  @Override
  public int hashCode() {
    return HedgeSettings.DELAY_GROUP.hash(this);
  }

  @Override
  public String toString() {
    return "DelayConfig" + toMap();
  }

  /**
   * Builds a {@link DelayConfig}; setters validate at once, {@link #build()} checks the rules
   * between fields.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private HedgeDelayType strategy = HedgeSettings.STRATEGY.defaultValue();
    private Duration delay = HedgeSettings.DELAY.defaultValue();
    // NaN: derived from the budget.
    private double percentile = Double.NaN;
    private int warmupSamples = HedgeSettings.WARMUP_SAMPLES.defaultValue();
    private Duration warmupDelay = HedgeSettings.WARMUP_DELAY.defaultValue();
    private Duration minDelay = HedgeSettings.MIN_DELAY.defaultValue();
    private Duration maxDelay = HedgeSettings.MAX_DELAY.defaultValue();
    private Duration window = HedgeSettings.WINDOW.defaultValue();
    private Duration recomputeInterval = HedgeSettings.RECOMPUTE_INTERVAL.defaultValue();
    private double factor = HedgeSettings.FACTOR.defaultValue();
    private double learningRate = HedgeSettings.LEARNING_RATE.defaultValue();

    private Builder() {}

    private Builder(DelayConfig c) {
      strategy = c.strategy;
      delay = c.delay;
      percentile = c.percentile;
      warmupSamples = c.warmupSamples;
      warmupDelay = c.warmupDelay;
      minDelay = c.minDelay;
      maxDelay = c.maxDelay;
      window = c.window;
      recomputeInterval = c.recomputeInterval;
      factor = c.factor;
      learningRate = c.learningRate;
    }

    /**
     * Sets the strategy.
     *
     * @param strategy FIXED, PERCENTILE, ADAPTIVE or BACKOFF
     * @return this builder
     */
    public Builder strategy(HedgeDelayType strategy) {
      this.strategy = HedgeSettings.STRATEGY.check(strategy);
      return this;
    }

    /**
     * Sets the FIXED delay and BACKOFF's first delay, in [0ms, 1h].
     *
     * @param delay the delay
     * @return this builder
     */
    public Builder delay(Duration delay) {
      this.delay = HedgeSettings.DELAY.check(delay);
      return this;
    }

    /**
     * Sets a fixed percentile, in (0, 100), instead of the one derived from the budget.
     *
     * @param percentile the percentile
     * @return this builder
     */
    public Builder percentile(double percentile) {
      this.percentile = HedgeSettings.PERCENTILE.check(percentile);
      return this;
    }

    /**
     * Derives the percentile from the budget (the default): see {@link DelayConfig#percentile()}.
     *
     * @return this builder
     */
    public Builder percentileFromBudget() {
      this.percentile = Double.NaN;
      return this;
    }

    /**
     * Sets the warm-up sample count, in [0, 1000000].
     *
     * @param samples the count
     * @return this builder
     */
    public Builder warmupSamples(int samples) {
      this.warmupSamples = HedgeSettings.WARMUP_SAMPLES.check(samples);
      return this;
    }

    /**
     * Sets the warm-up delay, in [0ms, 1h].
     *
     * @param delay the delay
     * @return this builder
     */
    public Builder warmupDelay(Duration delay) {
      this.warmupDelay = HedgeSettings.WARMUP_DELAY.check(delay);
      return this;
    }

    /**
     * Sets the lower clamp, in [0ms, 1h] and at most {@link #maxDelay(Duration)}.
     *
     * @param delay the clamp
     * @return this builder
     */
    public Builder minDelay(Duration delay) {
      this.minDelay = HedgeSettings.MIN_DELAY.check(delay);
      return this;
    }

    /**
     * Sets the upper clamp, in [0ms, 1h].
     *
     * @param delay the clamp
     * @return this builder
     */
    public Builder maxDelay(Duration delay) {
      this.maxDelay = HedgeSettings.MAX_DELAY.check(delay);
      return this;
    }

    /**
     * Sets the PERCENTILE window, in [1s, 1d].
     *
     * @param window the window
     * @return this builder
     */
    public Builder window(Duration window) {
      this.window = HedgeSettings.WINDOW.check(window);
      return this;
    }

    /**
     * Sets the PERCENTILE recompute interval, in [10ms, 1h]; the window holds at most 3600 of them.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder recomputeInterval(Duration interval) {
      this.recomputeInterval = HedgeSettings.RECOMPUTE_INTERVAL.check(interval);
      return this;
    }

    /**
     * Sets the BACKOFF factor, in [1, 100].
     *
     * @param factor the factor
     * @return this builder
     */
    public Builder factor(double factor) {
      this.factor = HedgeSettings.FACTOR.check(factor);
      return this;
    }

    /**
     * Sets the ADAPTIVE learning rate, in (0, 1].
     *
     * @param rate the rate
     * @return this builder
     */
    public Builder learningRate(double rate) {
      this.learningRate = HedgeSettings.LEARNING_RATE.check(rate);
      return this;
    }

    /**
     * Checks the rules between fields and returns the settings.
     *
     * @return the settings
     */
    public DelayConfig build() {
      return HedgeSettings.DELAY_GROUP.checkRules(new DelayConfig(this));
    }
  }
}
