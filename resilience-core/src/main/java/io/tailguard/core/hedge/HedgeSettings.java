package io.tailguard.core.hedge;

import static io.tailguard.core.internal.settings.Range.durations;
import static io.tailguard.core.internal.settings.Range.text;

import io.tailguard.core.internal.settings.Range;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import java.time.Duration;
import java.util.List;

/**
 * The declaration of the hedger's settings ({@link HedgeConfig}, {@link DelayConfig}, {@link
 * BudgetConfig}): keys, defaults, ranges, docs and rules. The builders validate with it and the
 * YAML mapper, writer and reports iterate it.
 *
 * <p>Not part of the public API: read {@link io.tailguard.core.config.ConfigSchema}. It must not
 * read static fields of the config classes, which read it while they initialize. Stateless and
 * thread-safe.
 */
// Its groups are typed with the core's internal settings package, which the module does not
// export: the config package uses them inside the module; ConfigSchema is the public view.
@SuppressWarnings("exports")
public final class HedgeSettings {

  private HedgeSettings() {}

  private static final Duration ONE_HOUR = Duration.ofHours(1);

  // budget ---------------------------------------------------------------------------------------

  static final Setting<BudgetConfig, Double> MAX_EXTRA_LOAD =
      Setting.decimal(
          "max-extra-load",
          "budget.maxExtraLoad",
          0.05,
          Range.openClosed(0, 10),
          "The share of extra attempts hedges may add: each primary adds this many tokens.",
          BudgetConfig::maxExtraLoad);
  static final Setting<BudgetConfig, Double> MIN_HEDGES_PER_SECOND =
      Setting.decimal(
          "min-hedges-per-second",
          "budget.minHedgesPerSecond",
          1.0,
          Range.closed(0, 1_000_000),
          "The floor refill rate, so that a quiet service can still hedge.",
          BudgetConfig::minHedgesPerSecond);
  static final Setting<BudgetConfig, Double> BURST =
      Setting.decimal(
          "burst",
          "budget.burst",
          10.0,
          Range.closed(1, 1_000_000),
          "The budget's capacity in hedges, which it starts with.",
          BudgetConfig::burst);

  /** The hedge budget's settings. */
  public static final SettingGroup<BudgetConfig> BUDGET =
      SettingGroup.of(
          "The token bucket that caps hedges.",
          List.of(MAX_EXTRA_LOAD, MIN_HEDGES_PER_SECOND, BURST),
          List.of(),
          v -> new BudgetConfig(v.get(MAX_EXTRA_LOAD), v.get(MIN_HEDGES_PER_SECOND), v.get(BURST)));

  // delay ----------------------------------------------------------------------------------------

  static final Setting<DelayConfig, HedgeDelayType> STRATEGY =
      Setting.enumeration(
          "strategy",
          "delay.strategy",
          HedgeDelayType.class,
          HedgeDelayType.ADAPTIVE,
          "How the delay before each hedge is chosen.",
          DelayConfig::strategy);
  static final Setting<DelayConfig, Duration> DELAY =
      Setting.duration(
          "delay",
          "delay.delay",
          Duration.ofMillis(50),
          durations(Duration.ZERO, ONE_HOUR),
          "The constant delay of fixed, and the first delay of backoff.",
          DelayConfig::delay);
  static final Setting<DelayConfig, Double> PERCENTILE =
      Setting.<DelayConfig>decimal(
              "percentile",
              "delay.percentile",
              null,
              Range.open(0, 100),
              "The percentile of recent latencies percentile waits for; auto derives it from the"
                  + " budget.",
              c -> c.percentile().isPresent() ? c.percentile().getAsDouble() : null)
          .orWord("auto");
  static final Setting<DelayConfig, Integer> WARMUP_SAMPLES =
      Setting.integer(
          "warmup-samples",
          "delay.warmupSamples",
          100,
          0,
          1_000_000,
          "How many latencies the learning strategies need before they trust their estimate.",
          DelayConfig::warmupSamples);
  static final Setting<DelayConfig, Duration> WARMUP_DELAY =
      Setting.duration(
          "warmup-delay",
          "delay.warmupDelay",
          Duration.ofMillis(100),
          durations(Duration.ZERO, ONE_HOUR),
          "The delay while a learning strategy warms up, and whenever a strategy fails.",
          DelayConfig::warmupDelay);
  static final Setting<DelayConfig, Duration> MIN_DELAY =
      Setting.duration(
          "min-delay",
          "delay.minDelay",
          Duration.ofMillis(1),
          durations(Duration.ZERO, ONE_HOUR),
          "The shortest delay a learning strategy may choose.",
          DelayConfig::minDelay);
  static final Setting<DelayConfig, Duration> MAX_DELAY =
      Setting.duration(
          "max-delay",
          "delay.maxDelay",
          Duration.ofSeconds(10),
          durations(Duration.ZERO, ONE_HOUR),
          "The longest delay any strategy may choose.",
          DelayConfig::maxDelay);
  static final Setting<DelayConfig, Duration> WINDOW =
      Setting.duration(
          "window",
          "delay.window",
          Duration.ofSeconds(10),
          durations(Duration.ofSeconds(1), Duration.ofDays(1)),
          "How far back the learning strategies look at primary latencies.",
          DelayConfig::window);
  static final Setting<DelayConfig, Duration> RECOMPUTE_INTERVAL =
      Setting.duration(
          "recompute-interval",
          "delay.recomputeInterval",
          Duration.ofMillis(250),
          durations(Duration.ofMillis(10), ONE_HOUR),
          "How often the learning strategies recompute their delay from the window.",
          DelayConfig::recomputeInterval);
  static final Setting<DelayConfig, Double> FACTOR =
      Setting.decimal(
          "factor",
          "delay.factor",
          2.0,
          Range.closed(1, 100),
          "The growth factor of backoff per further hedge and per consecutive failure.",
          DelayConfig::factor);
  static final Setting<DelayConfig, Double> LEARNING_RATE =
      Setting.decimal(
          "learning-rate",
          "delay.learningRate",
          0.05,
          Range.openClosed(0, 1),
          "How fast adaptive moves its delay.",
          DelayConfig::learningRate);

  /** The hedge delay's settings. */
  public static final SettingGroup<DelayConfig> DELAY_GROUP =
      SettingGroup.of(
          "When to send each hedge.",
          List.of(
              STRATEGY,
              DELAY,
              PERCENTILE,
              WARMUP_SAMPLES,
              WARMUP_DELAY,
              MIN_DELAY,
              MAX_DELAY,
              WINDOW,
              RECOMPUTE_INTERVAL,
              FACTOR,
              LEARNING_RATE),
          List.of(
              Rule.atMost(MIN_DELAY, MAX_DELAY),
              Rule.atMost(RECOMPUTE_INTERVAL, WINDOW),
              Rule.of(
                  "window / recompute-interval <= 3600",
                  c -> slots(c) <= 3600,
                  (c, n) ->
                      n.apply(WINDOW)
                          + " / "
                          + n.apply(RECOMPUTE_INTERVAL)
                          + " must be at most 3600, was "
                          + text(c.get(WINDOW))
                          + " / "
                          + text(c.get(RECOMPUTE_INTERVAL))
                          + " = "
                          + slots(c))),
          v -> {
            DelayConfig.Builder b =
                DelayConfig.builder()
                    .strategy(v.get(STRATEGY))
                    .delay(v.get(DELAY))
                    .warmupSamples(v.get(WARMUP_SAMPLES))
                    .warmupDelay(v.get(WARMUP_DELAY))
                    .minDelay(v.get(MIN_DELAY))
                    .maxDelay(v.get(MAX_DELAY))
                    .window(v.get(WINDOW))
                    .recomputeInterval(v.get(RECOMPUTE_INTERVAL))
                    .factor(v.get(FACTOR))
                    .learningRate(v.get(LEARNING_RATE));
            Double percentile = v.get(PERCENTILE);
            if (percentile == null) {
              b.percentileFromBudget();
            } else {
              b.percentile(percentile);
            }
            return b.build();
          });

  private static long slots(SettingGroup.Values<DelayConfig> c) {
    return c.get(WINDOW).toNanos() / c.get(RECOMPUTE_INTERVAL).toNanos();
  }

  // hedge ----------------------------------------------------------------------------------------

  static final Setting<HedgeConfig, Integer> MAX_HEDGES =
      Setting.integer(
          "max-hedges",
          "maxHedges",
          2,
          1,
          10,
          "The most extra attempts per call.",
          HedgeConfig::maxHedges);
  static final Setting<HedgeConfig, DelayConfig> DELAY_SETTINGS =
      Setting.group(
          "delay", "delay", DELAY_GROUP, null, "When to send each hedge.", HedgeConfig::delay);
  static final Setting<HedgeConfig, BudgetConfig> BUDGET_SETTINGS =
      Setting.group(
          "budget",
          "budget",
          BUDGET,
          null,
          "The token bucket that caps hedges.",
          HedgeConfig::budget);
  static final Setting<HedgeConfig, Duration> TIMEOUT =
      Setting.duration(
          "timeout",
          "timeout",
          Duration.ofSeconds(30),
          durations(Duration.ofMillis(1), Duration.ofDays(1)),
          "The time the whole call may take, all attempts included.",
          HedgeConfig::timeout);
  static final Setting<HedgeConfig, Boolean> IDEMPOTENT =
      Setting.bool(
          "idempotent",
          "idempotent",
          true,
          "Whether the operation may run more than once; if not, it is never hedged.",
          HedgeConfig::idempotent);
  static final Setting<HedgeConfig, Boolean> COALESCE =
      Setting.bool(
          "coalesce",
          "coalesce",
          false,
          "Whether identical calls in flight share one execution.",
          HedgeConfig::coalesce);
  static final Setting<HedgeConfig, List<Class<? extends Throwable>>> RETRYABLE_EXCEPTIONS =
      Setting.exceptions(
          "retryable-exceptions",
          "retryableExceptions",
          "Exception types after which the next attempt starts at once; empty means every one"
              + " not fatal.",
          HedgeConfig::retryableExceptions);
  static final Setting<HedgeConfig, List<Class<? extends Throwable>>> FATAL_EXCEPTIONS =
      Setting.exceptions(
          "fatal-exceptions",
          "fatalExceptions",
          "Exception types that end the whole call at once, cancelling the other attempts.",
          HedgeConfig::fatalExceptions);

  /** The hedger's settings. */
  public static final SettingGroup<HedgeConfig> HEDGE =
      SettingGroup.of(
          "A hedger.",
          List.of(
              MAX_HEDGES,
              DELAY_SETTINGS,
              BUDGET_SETTINGS,
              TIMEOUT,
              IDEMPOTENT,
              COALESCE,
              RETRYABLE_EXCEPTIONS,
              FATAL_EXCEPTIONS),
          List.of(
              Rule.disjoint(
                  RETRYABLE_EXCEPTIONS, FATAL_EXCEPTIONS, "retryable and fatal", FATAL_EXCEPTIONS)),
          v ->
              HedgeConfig.builder()
                  .maxHedges(v.get(MAX_HEDGES))
                  .delay(v.get(DELAY_SETTINGS))
                  .budget(v.get(BUDGET_SETTINGS))
                  .timeout(v.get(TIMEOUT))
                  .idempotent(v.get(IDEMPOTENT))
                  .coalesce(v.get(COALESCE))
                  .retryableExceptions(v.get(RETRYABLE_EXCEPTIONS))
                  .fatalExceptions(v.get(FATAL_EXCEPTIONS))
                  .build());
}
