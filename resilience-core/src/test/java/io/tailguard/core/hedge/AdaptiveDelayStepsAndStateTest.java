package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.time.FakeClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * ADAPTIVE's single steps at the delay itself, a new configuration (bounds and window) applied at
 * once, the state it saves and the states it refuses, and a state restored while warming up.
 */
class AdaptiveDelayStepsAndStateTest {

  static final long MS = 1_000_000L;
  // 0.8 of a 5% budget: b = 0.04.
  static final BudgetConfig BUDGET = new BudgetConfig(0.05, 0, 10);
  static final double B = DelayConfig.targetRate(BUDGET);
  final FakeClock clock = new FakeClock();

  static DelayConfig.Builder adaptive() {
    return DelayConfig.builder()
        .strategy(HedgeDelayType.ADAPTIVE)
        .warmupDelay(Duration.ofMillis(100))
        .learningRate(0.05);
  }

  AdaptiveDelay warmAt100ms() {
    AdaptiveDelay d = new AdaptiveDelay(adaptive().warmupSamples(0).build(), BUDGET, clock);
    assertThat(d.isWarm()).isTrue();
    assertThat(d.learnedDelayNanos()).isEqualTo(100.0 * MS);
    return d;
  }

  @Test
  void aPrimaryAnsweringExactlyAtTheDelayDidNotOutliveIt() {
    AdaptiveDelay d = warmAt100ms();
    d.recordPrimary(100 * MS, true);
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS * (1 - 0.05 * 0.04), within(1.0));
  }

  @Test
  void aPrimaryCutShortExactlyAtTheDelayOutlivedIt() {
    AdaptiveDelay d = warmAt100ms();
    d.recordPrimary(100 * MS, false);
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS * (1 + 0.05 * 0.96), within(1.0));
    assertThat(d.samples()).isEqualTo(1);
  }

  @Test
  void aLowerMaximumClampsTheLearnedDelayAtOnce() {
    AdaptiveDelay d = warmAt100ms();
    d.reconfigure(adaptive().warmupSamples(0).maxDelay(Duration.ofMillis(30)).build(), BUDGET);
    assertThat(d.learnedDelayNanos()).isEqualTo(30.0 * MS);
    assertThat(d.delayNanos(1)).isEqualTo(30 * MS);
  }

  @Test
  void aShorterWindowForgetsOldLatenciesAtTheNextRecomputation() {
    DelayConfig tenSeconds =
        adaptive()
            .warmupSamples(100)
            .window(Duration.ofSeconds(10))
            .recomputeInterval(Duration.ofMillis(250))
            .build();
    AdaptiveDelay d = new AdaptiveDelay(tenSeconds, BUDGET, clock);
    for (int i = 0; i < 100; i++) {
      d.recordPrimary(500 * MS, true);
    }
    clock.advance(Duration.ofMillis(250));
    assertThat((double) d.delayNanos(1)).isCloseTo(500.0 * MS, within(5.0 * MS));

    d.reconfigure(tenSeconds.toBuilder().window(Duration.ofSeconds(1)).build(), BUDGET);
    clock.advance(Duration.ofMillis(1250));
    for (int i = 0; i < 100; i++) {
      d.recordPrimary(10 * MS, true);
    }
    clock.advance(Duration.ofMillis(250));
    // Only the last second's primaries count: the slow ones are out of the window.
    assertThat((double) d.delayNanos(1)).isCloseTo(10.0 * MS, within(0.1 * MS));
  }

  static byte[] state(double delayNanos, long samples) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeDouble(delayNanos);
    out.writeLong(samples);
    return bytes.toByteArray();
  }

  static void read(HedgeDelayStrategy d, byte[] state) throws IOException {
    d.readState(new DataInputStream(new ByteArrayInputStream(state)));
  }

  @Test
  void theSavedStateIsTheLearnedDelayAndTheSampleCount() throws IOException {
    AdaptiveDelay source = warmAt100ms();
    source.recordPrimary(200 * MS, true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    source.writeState(new DataOutputStream(bytes));
    assertThat(bytes.toByteArray()).isEqualTo(state(source.learnedDelayNanos(), 1));
  }

  @Test
  void aStateIsReadWithinItsEdgesAndRefusedOutsideThem() throws IOException {
    long hour = Duration.ofHours(1).toNanos();
    AdaptiveDelay d =
        new AdaptiveDelay(
            adaptive().minDelay(Duration.ZERO).maxDelay(Duration.ofHours(1)).build(),
            BUDGET,
            clock);
    read(d, state(hour, 0));
    assertThat(d.learnedDelayNanos()).isEqualTo((double) hour);
    assertThat(d.samples()).isZero();
    read(d, state(1, 7));
    assertThat(d.learnedDelayNanos()).isEqualTo(1_000.0); // clamped up to 1 us
    assertThat(d.samples()).isEqualTo(7);
    assertThatThrownBy(() -> read(d, state(0, 5)))
        .isInstanceOf(IOException.class)
        .hasMessage("adaptive state out of range: delay 0.0ns, samples 5");
    assertThatThrownBy(() -> read(d, state(hour + 1, 5))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(d, state(Double.NaN, 5))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(d, state(MS, -1))).isInstanceOf(IOException.class);
    assertThat(d.samples()).isEqualTo(7); // unchanged by the refusals
  }

  @Test
  void aStateRestoredWhileWarmingUpWarmsUpFromItsCount() throws IOException {
    AdaptiveDelay d = new AdaptiveDelay(adaptive().warmupSamples(10).build(), BUDGET, clock);
    for (int i = 1; i <= 5; i++) {
      d.recordPrimary(i * MS, true);
    }
    read(d, state(50 * MS, 0));
    // Ten more primaries are needed; the kept latencies are full after five of them.
    for (int i = 1; i <= 9; i++) {
      d.recordPrimary(i * MS, true);
      assertThat(d.isWarm()).isFalse();
    }
    d.recordPrimary(10 * MS, true);
    assertThat(d.isWarm()).isTrue();
  }

  @Test
  void describeShowsItsStateAndTarget() {
    AdaptiveDelay d = new AdaptiveDelay(adaptive().warmupSamples(10).build(), BUDGET, clock);
    assertThat(d.type()).isEqualTo(HedgeDelayType.ADAPTIVE);
    assertThat(d.describe())
        .containsEntry("strategy", "ADAPTIVE")
        .containsEntry("warm", false)
        .containsEntry("delay", "100ms")
        .containsEntry("learnedDelay", "100ms")
        .containsEntry("targetRate", DelayConfig.targetRate(BUDGET))
        .containsEntry("refusalFloor", "0ms")
        .containsEntry("samples", 0L);
  }

  // The floor's factors before the window has measured a call rate: the step for 400 calls/s.
  static final double STEP = AdaptiveDelay.floorStep(400);
  static final double UP = Math.exp(STEP * (1 - AdaptiveDelay.REFUSAL_TARGET));
  static final double DOWN = Math.exp(-STEP * AdaptiveDelay.REFUSAL_TARGET);

  @Test
  void aRefusalWhileFailuresHaveNotSpentTheBudgetRaisesTheFloorAboveTheDelayInUse() {
    AdaptiveDelay d = warmAt100ms();
    d.recordBudgetExhausted(false);
    assertThat(d.refusalFloorNanos()).isCloseTo(100.0 * MS * UP, within(1.0));
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS * 1.05, within(1.0));
    // The delay in use is the larger of the two, and the next refusal starts from it.
    assertThat((double) d.delayNanos(1)).isCloseTo(100.0 * MS * 1.05, within(1.0));
    d.recordBudgetExhausted(false);
    assertThat(d.refusalFloorNanos()).isCloseTo(100.0 * MS * 1.05 * UP, within(1.0));
  }

  @Test
  void aRefusalWhileFailuresSpendTheBudgetRaisesTheDelayOnly() {
    AdaptiveDelay d = warmAt100ms();
    d.recordBudgetExhausted(true);
    d.recordBudgetExhausted();
    assertThat(d.refusalFloorNanos()).isZero();
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS * 1.05 * 1.05, within(1.0));
  }

  @Test
  void theFloorHoldsTheDelayUpWhileTheLearnedDelayFalls() {
    AdaptiveDelay d = warmAt100ms();
    d.recordBudgetExhausted(false);
    double floor = d.refusalFloorNanos();
    for (int i = 0; i < 1_000; i++) {
      d.recordPrimary(MS, true);
    }
    assertThat(d.learnedDelayNanos()).isLessThan(20.0 * MS);
    assertThat(d.refusalFloorNanos()).isCloseTo(floor * Math.pow(DOWN, 1_000), within(10.0));
    assertThat((double) d.delayNanos(1)).isCloseTo(d.refusalFloorNanos(), within(1.0));
  }

  @Test
  void theFloorStaysAtZeroWithoutRefusalsAndWithinTheMaximumDelay() {
    AdaptiveDelay d = warmAt100ms();
    for (int i = 0; i < 1_000; i++) {
      d.recordPrimary(MS, true);
    }
    assertThat(d.refusalFloorNanos()).isZero();
    for (int i = 0; i < 1_000; i++) {
      d.recordBudgetExhausted(false);
    }
    assertThat(d.refusalFloorNanos()).isEqualTo(10.0 * 1e9); // maxDelay, 10 s
    // It decays below a microsecond to nothing, not to a denormal.
    AdaptiveDelay e = warmAt100ms();
    e.recordBudgetExhausted(false);
    for (int i = 0; i < 20_000_000 && e.refusalFloorNanos() > 0; i++) {
      e.recordPrimary(1, true);
    }
    assertThat(e.refusalFloorNanos()).isZero();
  }

  @Test
  void refusalsOfMoreThanOneCallInAThousandRaiseTheFloorAndFewerLetItFall() {
    AdaptiveDelay d = warmAt100ms();
    // One refusal every 200 calls: the floor climbs (the learned delay falls to the body).
    for (int i = 0; i < 40_000; i++) {
      d.recordPrimary(MS, true);
      if (i % 200 == 0) {
        d.recordBudgetExhausted(false);
      }
    }
    double high = d.refusalFloorNanos();
    assertThat(high).isGreaterThan(200.0 * MS);
    // One every 5,000 calls: it falls.
    for (int i = 0; i < 400_000; i++) {
      d.recordPrimary(MS, true);
      if (i % 5_000 == 0) {
        d.recordBudgetExhausted(false);
      }
    }
    assertThat(d.refusalFloorNanos()).isLessThan(high / 10);
  }

  @Test
  void theWindowSetsTheDelayToTheQuantileOfTheTargetRate() {
    DelayConfig c =
        adaptive()
            .warmupSamples(100)
            .window(Duration.ofSeconds(10))
            .recomputeInterval(Duration.ofMillis(250))
            .build();
    AdaptiveDelay d = new AdaptiveDelay(c, BUDGET, clock);
    // 1,000 primaries: 1 ms to 1,000 ms, one of each.
    for (int i = 1; i <= 1000; i++) {
      d.recordPrimary(i * MS, true);
    }
    clock.advance(Duration.ofMillis(250));
    assertThat((double) d.delayNanos(1)).isCloseTo((1 - B) * 1000 * MS, within(10.0 * MS));
    // Refusals do not move the quantile; the floor lifts the delay above it.
    for (int i = 0; i < 20; i++) {
      d.recordBudgetExhausted(false);
    }
    clock.advance(Duration.ofMillis(250));
    assertThat((double) d.delayNanos(1)).isGreaterThan(1.3 * (1 - B) * 1000 * MS);
    assertThat(d.learnedDelayNanos()).isCloseTo((1 - B) * 1000 * MS, within(10.0 * MS));
  }

  /** Records {@code perTick} primaries of {@code millis} each 250 ms for {@code ticks}, asking. */
  void primaries(AdaptiveDelay d, int ticks, int perTick, long millis) {
    for (int t = 0; t < ticks; t++) {
      for (int i = 0; i < perTick; i++) {
        d.recordPrimary(millis * MS, true);
      }
      clock.advance(Duration.ofMillis(250));
      d.delayNanos(1);
    }
  }

  DelayConfig tenSecondWindow() {
    return adaptive()
        .warmupSamples(100)
        .window(Duration.ofSeconds(10))
        .recomputeInterval(Duration.ofMillis(250))
        .build();
  }

  /** Reports {@code n} first hedges that won or lost. */
  static void hedges(AdaptiveDelay d, int n, boolean won) {
    for (int i = 0; i < n; i++) {
      d.recordHedgeOutcome(50 * MS, won);
    }
  }

  @Test
  void latenciesThatFellAreBelievedAfterHalfTheWindow() {
    AdaptiveDelay d = new AdaptiveDelay(tenSecondWindow(), BUDGET, clock);
    hedges(d, 100, true); // hedges have been winning
    assertThat(d.hedgeWinShare()).isGreaterThan(AdaptiveDelay.MIN_FALL_WIN_SHARE);
    primaries(d, 20, 100, 100); // 5 s of 100 ms primaries: the quantile is 100 ms
    assertThat((double) d.delayNanos(1)).isCloseTo(100.0 * MS, within(1.0 * MS));
    // Faster answers: while the window's latest half still holds slow ones, the delay holds.
    primaries(d, 10, 100, 10);
    assertThat((double) d.delayNanos(1)).isCloseTo(100.0 * MS, within(1.0 * MS));
    // Once the latest half holds only fast ones, its quantile is the delay, though half the window
    // is still slow (before, the delay waited for the whole window to forget them).
    primaries(d, 11, 100, 10);
    assertThat(d.learnedDelayNanos()).isCloseTo(10.0 * MS, within(0.1 * MS));
  }

  @Test
  void whereHedgesLoseLatenciesThatFellWaitForTheWholeWindow() {
    AdaptiveDelay d = new AdaptiveDelay(tenSecondWindow(), BUDGET, clock);
    assertThat(d.hedgeWinShare()).isEqualTo(0.5); // even odds before any: below the bar
    primaries(d, 20, 100, 100);
    primaries(d, 21, 100, 10);
    // The latest half holds only fast primaries, but hedges have not been winning: the whole
    // window's quantile stays the delay until the slow ones age out of it.
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS, within(1.0 * MS));
    hedges(d, 100, true);
    hedges(d, 40, false);
    assertThat(d.hedgeWinShare()).isLessThan(AdaptiveDelay.MIN_FALL_WIN_SHARE);
    primaries(d, 1, 100, 10);
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS, within(1.0 * MS));
    hedges(d, 40, true);
    primaries(d, 1, 100, 10);
    assertThat(d.learnedDelayNanos()).isCloseTo(10.0 * MS, within(0.1 * MS));
    primaries(d, 20, 100, 10); // once the whole window is fast, losing hedges change nothing
    hedges(d, 300, false);
    primaries(d, 1, 100, 10);
    assertThat(d.learnedDelayNanos()).isCloseTo(10.0 * MS, within(0.1 * MS));
  }

  @Test
  void latenciesThatRoseWaitForTheWholeWindow() {
    AdaptiveDelay d = new AdaptiveDelay(tenSecondWindow(), BUDGET, clock);
    hedges(d, 100, true);
    primaries(d, 20, 100, 10); // 5 s of 10 ms primaries
    // Then 5 s in which 6 in 100 take 100 ms: above the target rate in the latest half (its
    // quantile is 100 ms), below it in the whole window (3 in 100).
    for (int t = 0; t < 20; t++) {
      for (int i = 0; i < 100; i++) {
        d.recordPrimary((i < 6 ? 100 : 10) * MS, true);
      }
      clock.advance(Duration.ofMillis(250));
      d.delayNanos(1);
    }
    assertThat(d.learnedDelayNanos()).isCloseTo(10.0 * MS, within(0.1 * MS));
  }

  @Test
  void aHalfWindowWithFewerPrimariesThanTheWindowNeedsIsNotBelieved() {
    AdaptiveDelay d = new AdaptiveDelay(tenSecondWindow(), BUDGET, clock);
    hedges(d, 100, true);
    primaries(d, 1, 150, 100); // 150 slow primaries at once
    primaries(d, 20, 0, 0); // 5 s without calls
    primaries(d, 1, 99, 10); // then 99 fast ones: the latest half holds fewer than 100
    // The whole window's quantile (150 slow in 249): 100 ms.
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS, within(1.0 * MS));
    primaries(d, 1, 1, 10); // the hundredth
    assertThat(d.learnedDelayNanos()).isCloseTo(10.0 * MS, within(0.1 * MS));
  }

  @Test
  void aHalfWindowNeedsAsManyPrimariesAsTheWarmupWhenThatIsMore() {
    AdaptiveDelay d =
        new AdaptiveDelay(tenSecondWindow().toBuilder().warmupSamples(200).build(), BUDGET, clock);
    hedges(d, 100, true);
    primaries(d, 1, 300, 100); // warm, and the window's quantile is 100 ms
    primaries(d, 20, 0, 0);
    primaries(d, 1, 199, 10); // the latest half holds 199 fast primaries: fewer than 200
    assertThat(d.learnedDelayNanos()).isCloseTo(100.0 * MS, within(1.0 * MS));
    primaries(d, 1, 1, 10);
    assertThat(d.learnedDelayNanos()).isCloseTo(10.0 * MS, within(0.1 * MS));
  }

  @Test
  void aLowerMaximumDelayClampsTheFloor() {
    AdaptiveDelay d = warmAt100ms();
    d.recordBudgetExhausted(false);
    d.reconfigure(adaptive().warmupSamples(0).maxDelay(Duration.ofMillis(50)).build(), BUDGET);
    assertThat(d.refusalFloorNanos()).isEqualTo(50.0 * MS);
    assertThat(d.delayNanos(1)).isEqualTo(50 * MS);
  }

  @Test
  void whileWarmingUpARefusalRaisesTheFloorFromTheWarmupDelay() {
    AdaptiveDelay d = new AdaptiveDelay(adaptive().warmupSamples(1_000).build(), BUDGET, clock);
    d.recordBudgetExhausted(false);
    assertThat(d.refusalFloorNanos()).isCloseTo(100.0 * MS * UP, within(1.0));
    assertThat((double) d.delayNanos(1)).isCloseTo(100.0 * MS * UP, within(1.0));
  }

  /**
   * Records {@code callsPerSecond} primaries of 1 ms per second for {@code seconds}, refreshing.
   */
  void callsAt(AdaptiveDelay d, int callsPerSecond, int seconds) {
    for (int tick = 0; tick < seconds * 4; tick++) {
      for (int i = 0; i < callsPerSecond / 4; i++) {
        d.recordPrimary(MS, true);
      }
      clock.advance(Duration.ofMillis(250));
      d.delayNanos(1);
    }
  }

  @Test
  void theFloorHalvesInItsHalfLifeWithoutRefusalsAtAnyCallRate() {
    for (int rate : new int[] {100, 400, 1_000, 4_000}) {
      AdaptiveDelay d = warmAt100ms();
      callsAt(d, rate, 10); // a full window measures the rate
      assertThat(d.floorStepInUse()).isCloseTo(AdaptiveDelay.floorStep(rate), within(1e-6));
      d.recordBudgetExhausted(false);
      double floor = d.refusalFloorNanos();
      assertThat(floor).isPositive();
      callsAt(d, rate, (int) AdaptiveDelay.FLOOR_HALF_LIFE.toSeconds());
      assertThat(d.refusalFloorNanos())
          .as("at %d calls/s", rate)
          .isCloseTo(floor / 2, within(floor / 100));
    }
  }

  @Test
  void theFloorStepIsBoundedAndStartsAtFourHundredCallsPerSecond() {
    assertThat(AdaptiveDelay.floorStep(400)).isCloseTo(0.01925, within(1e-5));
    assertThat(AdaptiveDelay.floorStep(1_000)).isCloseTo(0.0077, within(1e-5));
    // Slow services: at most MAX_FLOOR_STEP, so one refusal never moves the floor by much.
    assertThat(AdaptiveDelay.floorStep(10)).isEqualTo(AdaptiveDelay.MAX_FLOOR_STEP);
    assertThat(AdaptiveDelay.floorStep(0)).isEqualTo(AdaptiveDelay.MAX_FLOOR_STEP);
    assertThat(warmAt100ms().floorStepInUse()).isEqualTo(AdaptiveDelay.floorStep(400));
    // A window younger than its length measures the rate over its life.
    AdaptiveDelay d = warmAt100ms();
    callsAt(d, 1_000, 2);
    assertThat(d.floorStepInUse()).isCloseTo(AdaptiveDelay.floorStep(1_000), within(1e-6));
  }

  @Test
  void aQuietSpellHoldsSixRefusalsWorthOfCallsAndAtLeastThirtySeconds() {
    assertThat(AdaptiveDelay.QUIET_SPELL_REFUSALS).isEqualTo(6); // as documented
    assertThat(AdaptiveDelay.quietSpellNanos(1_000)).isEqualTo(secondsInNanos(30));
    assertThat(AdaptiveDelay.quietSpellNanos(201)).isEqualTo(secondsInNanos(30));
    assertThat(AdaptiveDelay.quietSpellNanos(200)).isEqualTo(secondsInNanos(30));
    assertThat(AdaptiveDelay.quietSpellNanos(199)).isGreaterThan(secondsInNanos(30));
    assertThat(AdaptiveDelay.quietSpellNanos(100)).isEqualTo(secondsInNanos(60));
    assertThat(AdaptiveDelay.quietSpellNanos(50)).isEqualTo(secondsInNanos(120));
    assertThat(AdaptiveDelay.quietSpellNanos(0)).isEqualTo(secondsInNanos(86_400));
    assertThat(warmAt100ms().quietSpellInUse()).isEqualTo(secondsInNanos(30));
  }

  @Test
  void atOneHundredCallsPerSecondAQuietSpellIsAMinuteNotThirtySeconds() {
    double[] fill = {1};
    AdaptiveDelay d =
        new AdaptiveDelay(adaptive().warmupSamples(0).build(), BUDGET, clock, () -> fill[0]);
    d.recordBudgetExhausted(false); // at 100 ms: the floor goes above it
    for (int i = 0; i < 100; i++) {
      d.recordHedgeOutcome((long) d.refusalFloorNanos(), true); // bursts that hedges beat
    }
    fill[0] = 0.3; // the lower half is the floor's
    callsAt(d, 100, 30);
    // The rate is measured over the window's intervals, so within a few percent.
    assertThat(d.quietSpellInUse()).isCloseTo(secondsInNanos(60), within(secondsInNanos(2)));
    assertThat(d.refusalFloorNanos()).isGreaterThan(20.0 * MS);
    assertThat(d.delayNanos(1))
        .as("30 s without a refusal at 100/s")
        .isEqualTo((long) d.refusalFloorNanos());
    callsAt(d, 100, 25);
    assertThat(d.delayNanos(1)).as("55 s").isEqualTo((long) d.refusalFloorNanos());
    callsAt(d, 100, 10);
    assertThat(d.delayNanos(1))
        .as("65 s")
        .isEqualTo((long) d.learnedDelayNanos())
        .isLessThan(2 * MS);
  }

  static long secondsInNanos(long seconds) {
    return Duration.ofSeconds(seconds).toNanos();
  }

  @Test
  void aLongerWindowMeasuresTheRateOverWhatItHolds() {
    AdaptiveDelay d = warmAt100ms();
    callsAt(d, 1_000, 10);
    d.reconfigure(adaptive().warmupSamples(0).window(Duration.ofSeconds(60)).build(), BUDGET);
    callsAt(d, 1_000, 2);
    // Twelve seconds of calls in a 60 s window: 1,000 calls/s, not 200.
    assertThat(d.floorStepInUse()).isCloseTo(AdaptiveDelay.floorStep(1_000), within(1e-4));
  }
}
