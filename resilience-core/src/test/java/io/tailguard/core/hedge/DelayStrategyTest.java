package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Warm-up and learning of every delay strategy, with the fake clock. */
class DelayStrategyTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();

  static DelayConfig.Builder config(HedgeDelayType type) {
    return DelayConfig.builder()
        .strategy(type)
        .warmupDelay(Duration.ofMillis(100))
        .warmupSamples(100);
  }

  @Test
  void fixedIsAlwaysWarmAndConstantButCappedByMaxDelay() {
    FixedDelay d =
        new FixedDelay(config(HedgeDelayType.FIXED).delay(Duration.ofMillis(40)).build());
    assertThat(d.isWarm()).isTrue();
    assertThat(d.delayNanos(1)).isEqualTo(40 * MS);
    assertThat(d.delayNanos(5)).isEqualTo(40 * MS);
    d.reconfigure(
        config(HedgeDelayType.FIXED)
            .delay(Duration.ofMillis(40))
            .maxDelay(Duration.ofMillis(30))
            .build(),
        BudgetConfig.DEFAULTS);
    assertThat(d.delayNanos(1)).isEqualTo(30 * MS);
  }

  @Test
  void backoffGrowsPerHedgeLengthensOnFailuresAndRecoversOnSuccess() {
    BackoffDelay d =
        new BackoffDelay(
            config(HedgeDelayType.BACKOFF).delay(Duration.ofMillis(10)).factor(2).build());
    assertThat(d.isWarm()).isTrue();
    assertThat(d.delayNanos(1)).isEqualTo(10 * MS);
    assertThat(d.delayNanos(2)).isEqualTo(20 * MS);
    assertThat(d.delayNanos(3)).isEqualTo(40 * MS);
    d.recordFailure();
    d.recordFailure();
    assertThat(d.delayNanos(1)).isEqualTo(40 * MS);
    for (int i = 0; i < 100; i++) {
      d.recordFailure();
    }
    assertThat(d.penalty()).isEqualTo(Math.pow(2, BackoffDelay.MAX_PENALTY_STEPS));
    assertThat(d.delayNanos(1)).isEqualTo(2560 * MS);
    assertThat(d.delayNanos(10)).isEqualTo(Duration.ofSeconds(10).toNanos()); // maxDelay
    for (int i = 0; i < 100; i++) {
      d.recordSuccess();
    }
    assertThat(d.penalty()).isEqualTo(1.0);
    assertThat(d.delayNanos(1)).isEqualTo(10 * MS);
  }

  @Test
  void percentileUsesTheWarmupDelayUntilTheWindowHoldsEnoughSamples() {
    PercentileDelay d =
        new PercentileDelay(
            config(HedgeDelayType.PERCENTILE).percentile(95).window(Duration.ofSeconds(10)).build(),
            clock);
    recordRamp(d, 1, 99);
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.delayNanos(1)).isEqualTo(100 * MS);
    assertThat(d.isWarm()).isFalse();
    assertThat(d.windowCount()).isEqualTo(99);
    d.recordPrimary(100 * MS, true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.isWarm()).isTrue();
    // p95 of 1..100 ms, at two significant digits of HdrHistogram
    assertThat((double) d.delayNanos(1)).isCloseTo(95 * MS, within(1.0 * MS));
  }

  @Test
  void percentileIsDerivedFromTheBudgetUnlessConfigured() {
    DelayConfig derived = config(HedgeDelayType.PERCENTILE).warmupSamples(1).build();
    assertThat(derived.percentile()).isEmpty();
    PercentileDelay d = new PercentileDelay(derived, new BudgetConfig(0.05, 0, 10), clock);
    assertThat(d.percentile()).isCloseTo(96.0, within(1e-9)); // 0.8 of a 5% budget
    recordRamp(d, 1, 1000);
    clock.advance(Duration.ofSeconds(1));
    assertThat((double) d.delayNanos(1)).isCloseTo(960 * MS, within(8.0 * MS));

    d.reconfigure(derived, new BudgetConfig(0.10, 0, 10));
    assertThat(d.percentile()).isCloseTo(92.0, within(1e-9));
    assertThat((double) d.delayNanos(1)).isCloseTo(920 * MS, within(8.0 * MS));

    d.reconfigure(derived.toBuilder().percentile(50).build(), new BudgetConfig(0.10, 0, 10));
    assertThat(d.percentile()).isEqualTo(50.0);
    assertThat(d.describe()).containsEntry("percentileFrom", "configuration");
  }

  @Test
  void aHugeBudgetAimsAtHalfTheCallsAtMost() {
    assertThat(DelayConfig.targetRate(new BudgetConfig(5, 0, 10))).isEqualTo(0.5);
    assertThat(DelayConfig.targetRate(new BudgetConfig(0.05, 0, 10)))
        .isCloseTo(0.04, within(1e-12));
  }

  @Test
  void percentileForgetsLatenciesOlderThanTheWindow() {
    PercentileDelay d =
        new PercentileDelay(
            config(HedgeDelayType.PERCENTILE)
                .warmupSamples(10)
                .window(Duration.ofSeconds(5))
                .build(),
            clock);
    recordMany(d, 1000, 500 * MS);
    clock.advance(Duration.ofSeconds(1));
    assertThat((double) d.delayNanos(1)).isCloseTo(500 * MS, within(5.0 * MS));
    for (int s = 0; s < 6; s++) {
      recordMany(d, 100, 20 * MS);
      clock.advance(Duration.ofSeconds(1));
      d.delayNanos(1);
    }
    assertThat((double) d.delayNanos(1)).isCloseTo(20 * MS, within(0.5 * MS));
    assertThat(d.windowCount()).isEqualTo(500);
  }

  @Test
  void percentileClampsToMinAndMaxDelay() {
    PercentileDelay d =
        new PercentileDelay(
            config(HedgeDelayType.PERCENTILE)
                .warmupSamples(1)
                .minDelay(Duration.ofMillis(5))
                .maxDelay(Duration.ofMillis(50))
                .build(),
            clock);
    d.recordPrimary(MS / 10, true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.delayNanos(1)).isEqualTo(5 * MS);
    for (int i = 0; i < 100; i++) {
      d.recordPrimary(
          Duration.ofHours(5).toNanos(), true); // beyond the histogram: recorded as 1 day
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.delayNanos(1)).isEqualTo(50 * MS);
  }

  @Test
  void adaptiveWarmsUpThenSettlesAtTheQuantileThatMatchesTheBudget() {
    BudgetConfig budget = new BudgetConfig(0.05, 0, 10);
    AdaptiveDelay d =
        new AdaptiveDelay(
            config(HedgeDelayType.ADAPTIVE)
                .warmupSamples(200)
                .learningRate(0.05)
                .maxDelay(Duration.ofSeconds(10))
                .build(),
            budget);
    assertThat(d.targetRate()).isCloseTo(0.04, within(1e-12));
    SplittableRandom random = new SplittableRandom(42);
    assertThat(d.delayNanos(1)).isEqualTo(100 * MS); // nothing seen: the warm-up delay
    for (int i = 0; i < 199; i++) {
      d.recordPrimary(lognormal(random, 20, 0.6), true);
    }
    assertThat(d.isWarm()).isFalse();
    // Still warming up, it waits for the 96th percentile of what it has seen.
    assertThat(d.delayNanos(1) / (double) MS).isCloseTo(57.2, within(15.0));
    for (int i = 0; i < 100_000; i++) {
      d.recordPrimary(lognormal(random, 20, 0.6), true);
    }
    assertThat(d.isWarm()).isTrue();
    // The 96th percentile of lognormal(median 20ms, sigma 0.6) is 20 * exp(0.6 * 1.751) = 57.2ms.
    assertThat(d.learnedDelayNanos() / MS).isCloseTo(57.2, within(6.0));
  }

  @Test
  void adaptiveFollowsAShiftOfTheDistributionAndKeepsTheHedgeRateOnTarget() {
    AdaptiveDelay d =
        new AdaptiveDelay(
            config(HedgeDelayType.ADAPTIVE).warmupSamples(0).learningRate(0.05).build(),
            new BudgetConfig(0.1, 0, 1));
    SplittableRandom random = new SplittableRandom(7);
    double[] before = learn(d, random, 10, 50_000);
    double[] after = learn(d, random, 40, 50_000);
    // Target 0.09: the 91st percentile is 10 * exp(0.5 * 1.341) = 19.5ms, then four times that.
    assertThat(before[0]).isCloseTo(19.5, within(1.0));
    assertThat(after[0]).isCloseTo(78.2, within(4.0));
    // The share of primaries that outlived the delay in force is the target rate.
    assertThat(before[1]).isCloseTo(0.09, within(0.01));
    assertThat(after[1]).isCloseTo(0.09, within(0.01));
  }

  /** Feeds n primaries; returns the mean delay (ms) and the outlived share over the last half. */
  static double[] learn(AdaptiveDelay d, SplittableRandom random, double median, int n) {
    double delaySum = 0;
    int outlived = 0;
    for (int i = 0; i < n; i++) {
      long latency = lognormal(random, median, 0.5);
      if (i >= n / 2) {
        double delay = d.learnedDelayNanos();
        delaySum += delay / MS;
        if (latency > delay) {
          outlived++;
        }
      }
      d.recordPrimary(latency, true);
    }
    return new double[] {delaySum / (n - n / 2), (double) outlived / (n - n / 2)};
  }

  @Test
  void adaptiveSkipsPrimariesCutShortBeforeItsDelayAndGrowsWhenTheBudgetRunsDry() {
    AdaptiveDelay d =
        new AdaptiveDelay(
            config(HedgeDelayType.ADAPTIVE).warmupSamples(0).build(), BudgetConfig.DEFAULTS);
    double start = d.learnedDelayNanos();
    d.recordPrimary(10 * MS, false); // cut short at 10ms < 100ms: no information
    assertThat(d.learnedDelayNanos()).isEqualTo(start);
    assertThat(d.samples()).isZero();
    d.recordPrimary(150 * MS, false); // superseded after the delay: it outlived it
    assertThat(d.learnedDelayNanos()).isGreaterThan(start);
    double beforeExhaustion = d.learnedDelayNanos();
    d.recordBudgetExhausted();
    assertThat(d.learnedDelayNanos()).isCloseTo(beforeExhaustion * 1.05, within(1.0));
  }

  @Test
  void adaptiveEstimatesFromItsFirstSamplesWhileWarmingUp() {
    AdaptiveDelay d =
        new AdaptiveDelay(
            config(HedgeDelayType.ADAPTIVE).warmupSamples(50).build(),
            new BudgetConfig(0.05, 0, 10),
            clock);
    for (int i = 1; i < AdaptiveDelay.MIN_ESTIMATE_SAMPLES; i++) {
      d.recordPrimary(i * MS, true);
      assertThat(d.delayNanos(1)).isEqualTo(100 * MS);
    }
    d.recordPrimary(10 * MS, true); // ten samples: fewer than 1 / b, so their maximum
    assertThat(d.delayNanos(1)).isEqualTo(10 * MS);
    recordRamp(d, 11, 50);
    // Warm: the tracking starts at the 96th percentile of 1..50 ms, the 48th value.
    assertThat(d.isWarm()).isTrue();
    assertThat(d.delayNanos(1)).isEqualTo(48 * MS);
  }

  @Test
  void adaptiveFollowsTheWindowsQuantileOnceWarm() {
    AdaptiveDelay d =
        new AdaptiveDelay(
            config(HedgeDelayType.ADAPTIVE)
                .warmupSamples(100)
                .window(Duration.ofSeconds(10))
                .recomputeInterval(Duration.ofMillis(250))
                .build(),
            new BudgetConfig(0.05, 0, 10),
            clock);
    // A fast body, 1..100 ms evenly, and 2% stalls of 1 s: the 96th percentile lies in the body.
    for (int round = 0; round < 20; round++) {
      recordRamp(d, 1, 98);
      d.recordPrimary(1000 * MS, true);
      d.recordPrimary(1000 * MS, true);
      clock.advance(Duration.ofMillis(250));
      d.delayNanos(1);
    }
    assertThat(d.isWarm()).isTrue();
    // 96th percentile of the window: 96% of 100 values are at most 96 ms (two significant digits).
    assertThat(d.delayNanos(1) / (double) MS).isCloseTo(96, within(2.0));
  }

  @Test
  void adaptiveLeavesRisingLatenciesToItsStepsWhenTheWindowWasCutShort() {
    AdaptiveDelay d =
        new AdaptiveDelay(
            config(HedgeDelayType.ADAPTIVE).warmupSamples(100).learningRate(0.05).build(),
            new BudgetConfig(0.05, 0, 10),
            clock);
    recordMany(d, 100, 10 * MS);
    double before = d.learnedDelayNanos();
    // Every primary now outlives the delay and is cut short by its hedge: the window's quantile
    // is unknown, so nothing pulls the delay back while the steps raise it.
    for (int i = 0; i < 200; i++) {
      d.recordPrimary((long) d.learnedDelayNanos() + MS, false);
      if (i % 50 == 0) {
        clock.advance(Duration.ofSeconds(1));
        d.delayNanos(1);
      }
    }
    assertThat(d.learnedDelayNanos()).isGreaterThan(before * 100);
  }

  @Test
  void adaptiveRisesWhenTheBudgetRefusesAndTheWindowBringsItBack() {
    AdaptiveDelay d =
        new AdaptiveDelay(
            config(HedgeDelayType.ADAPTIVE).warmupSamples(100).build(),
            new BudgetConfig(0.05, 0, 10),
            clock);
    recordRamp(d, 1, 100);
    clock.advance(Duration.ofSeconds(1));
    long settled = d.delayNanos(1);
    for (int i = 0; i < 50; i++) {
      d.recordBudgetExhausted();
    }
    assertThat((double) d.learnedDelayNanos()).isGreaterThan(settled * 5.0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.delayNanos(1)).isEqualTo(settled);
  }

  /** Records completed primaries of {@code from}, {@code from + 1}, ... {@code to} ms. */
  static void recordRamp(HedgeDelayStrategy d, int from, int to) {
    for (int i = from; i <= to; i++) {
      d.recordPrimary(i * MS, true);
    }
  }

  /** Records {@code times} completed primaries of {@code nanos} each. */
  static void recordMany(HedgeDelayStrategy d, int times, long nanos) {
    for (int i = 0; i < times; i++) {
      d.recordPrimary(nanos, true);
    }
  }

  static long lognormal(SplittableRandom random, double medianMillis, double sigma) {
    double gaussian = gaussian(random);
    return (long) (medianMillis * Math.exp(sigma * gaussian) * MS);
  }

  static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
