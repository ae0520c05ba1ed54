package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When ADAPTIVE hedges below its refusal floor: while the bucket is more than half full or no hedge
 * has been refused for a quiet spell, once hedges at the floor have been winning (bursts that
 * hedges beat), and as long as the hedges below it keep winning three times in ten.
 */
class AdaptiveDelayFloorBypassTest {

  static final long MS = 1_000_000L;
  static final BudgetConfig BUDGET = new BudgetConfig(0.05, 0, 10);
  final FakeClock clock = new FakeClock();
  double fill = 1;
  AdaptiveDelay d;
  long floor;
  long learned;
  long refusedAt;

  /** ADAPTIVE, warm from the start at 100 ms. */
  static DelayConfig warmAt100ms() {
    return DelayConfig.builder()
        .strategy(HedgeDelayType.ADAPTIVE)
        .warmupSamples(0)
        .warmupDelay(Duration.ofMillis(100))
        .build();
  }

  /**
   * Warm at 100 ms, a refusal raises the floor there, then fast calls at 400 per second pull the
   * delay down (at that rate a quiet spell is {@link AdaptiveDelay#QUIET_SPELL}).
   */
  @BeforeEach
  void aFloorAboveTheLearnedDelay() {
    d = new AdaptiveDelay(warmAt100ms(), BUDGET, clock, () -> fill);
    d.recordBudgetExhausted(false);
    refusedAt = clock.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      d.recordPrimary(MS, true);
      if (i % 100 == 99) {
        clock.advance(Duration.ofMillis(250));
        d.delayNanos(1); // the window refreshes, measuring the call rate
      }
    }
    assertThat(d.quietSpellInUse()).isEqualTo(AdaptiveDelay.QUIET_SPELL.toNanos());
    floor = (long) d.refusalFloorNanos();
    learned = (long) d.learnedDelayNanos();
    assertThat(learned).isLessThan(20 * MS);
    assertThat(floor).isGreaterThan(90 * MS);
  }

  void floorHedges(int n, boolean won) {
    for (int i = 0; i < n; i++) {
      d.recordHedgeOutcome(floor, won);
    }
  }

  @Test
  void withoutEvidenceThatHedgesBeatTheBurstsTheFloorHoldsEvenWithAFullBucket() {
    assertThat(d.floorHedgeWinShare()).isZero();
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    assertThat(d.describe()).containsEntry("floorBypassed", false);
  }

  @Test
  void onceHedgesAtTheFloorWinAMoreThanHalfFullBucketHedgesAtTheLearnedDelay() {
    // A moving average over about 32: 28 wins from nothing are 0.589, 29 are 0.602.
    floorHedges(28, true);
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    floorHedges(1, true);
    assertThat(d.floorHedgeWinShare()).isGreaterThanOrEqualTo(0.6);
    assertThat(d.delayNanos(1)).isEqualTo(learned);
    assertThat(d.describe()).containsEntry("floorBypassed", true);
    // The floor keeps the lower half of the bucket for the slowest calls of a burst.
    fill = 0.5;
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    fill = 0.51;
    assertThat(d.delayNanos(1)).isEqualTo(learned);
    // The floor itself is untouched: it is bypassed, not lowered.
    assertThat((long) d.refusalFloorNanos()).isEqualTo(floor);
  }

  @Test
  void onceNoBurstHasBeenRefusedForAQuietSpellTheBucketBelowHalfIsTheLearnedDelaysToo() {
    assertThat(AdaptiveDelay.QUIET_SPELL).isEqualTo(Duration.ofSeconds(30)); // as documented
    floorHedges(100, true);
    fill = 0.3; // a calm dependency's learned hedges drew a small bucket down for a moment
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    long sinceRefusal = clock.nanoTime() - refusedAt;
    clock.advance(AdaptiveDelay.QUIET_SPELL.minusNanos(sinceRefusal + 1));
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    assertThat(d.describe()).containsEntry("floorBypassed", false);
    clock.advanceNanos(1);
    // The learned delay: the window's quantile of the fast calls, which the fixture's refreshes
    // already set (so it is the learned delay read at the start, and below the floor).
    assertThat(d.delayNanos(1))
        .isEqualTo((long) d.learnedDelayNanos())
        .isEqualTo(learned)
        .isLessThan(floor);
    assertThat(d.describe()).containsEntry("floorBypassed", true);
    // Still bypassed, not lowered.
    assertThat((long) d.refusalFloorNanos()).isEqualTo(floor);
  }

  @Test
  void anyRefusalStartsTheQuietSpellAgain() {
    floorHedges(100, true);
    fill = 0.3;
    clock.advance(AdaptiveDelay.QUIET_SPELL);
    assertThat(d.delayNanos(1)).isEqualTo((long) d.learnedDelayNanos());
    // The share is spent: the floor stays where it is, but keeps the lower half of the bucket
    // again.
    d.recordBudgetExhausted(true);
    assertThat((long) d.refusalFloorNanos()).isEqualTo(floor);
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    clock.advance(AdaptiveDelay.QUIET_SPELL);
    assertThat(d.delayNanos(1)).isEqualTo((long) d.learnedDelayNanos());
    // A burst: the floor rises, and keeps the lower half for another quiet spell.
    d.recordBudgetExhausted(false);
    long raised = (long) d.refusalFloorNanos();
    assertThat(raised).isGreaterThan(floor);
    assertThat(d.delayNanos(1)).isEqualTo(raised);
    clock.advance(AdaptiveDelay.QUIET_SPELL.minusMillis(1));
    assertThat(d.delayNanos(1)).isEqualTo(raised);
    clock.advance(Duration.ofMillis(1));
    assertThat(d.delayNanos(1)).isEqualTo((long) d.learnedDelayNanos());
  }

  @Test
  void aQuietSpellDoesNotOpenTheBypassForBurstsThatHedgesOnlyJoin() {
    for (int i = 0; i < 100; i++) {
      d.recordHedgeOutcome(floor, i % 10 < 3);
    }
    fill = 0.3;
    clock.advance(AdaptiveDelay.QUIET_SPELL.multipliedBy(4));
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    fill = 1;
    assertThat(d.delayNanos(1)).isEqualTo(floor);
  }

  @Test
  void burstsThatHedgesOnlyJoinNeverOpenTheBypass() {
    // A queue or a pause: hedges at the floor win 3 times in 10.
    for (int i = 0; i < 1_000; i++) {
      d.recordHedgeOutcome(floor, i % 10 < 3);
      assertThat(d.delayNanos(1)).isEqualTo(floor);
    }
    assertThat(d.floorHedgeWinShare()).isBetween(0.15, 0.45);
  }

  @Test
  void hedgesBelowTheFloorThatStopWinningCloseTheBypass() {
    floorHedges(100, true);
    assertThat(d.delayNanos(1)).isEqualTo(learned);
    // A moving average over about 256 from even odds: 100 losses leave 0.34, 200 leave 0.23.
    for (int i = 0; i < 100; i++) {
      d.recordHedgeOutcome(learned, false);
    }
    assertThat(d.delayNanos(1)).isEqualTo(learned);
    for (int i = 0; i < 100; i++) {
      d.recordHedgeOutcome(learned, false);
    }
    assertThat(d.bypassHedgeWinShare()).isLessThan(AdaptiveDelay.MIN_BYPASS_WIN_SHARE);
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    // Hedges at the floor still winning do not reopen it: the hedges below it were the problem.
    floorHedges(100, true);
    assertThat(d.delayNanos(1)).isEqualTo(floor);
  }

  @Test
  void hedgesBelowTheFloorThatWinOnlyOneTimeInFourCloseTheBypass() {
    // Hedges at the learned delay into a queue that grows: they win 7% to 24%, and only add load.
    floorHedges(100, true);
    for (int i = 0; i < 2_000 && d.delayNanos(1) == learned; i++) {
      d.recordHedgeOutcome(learned, i % 4 == 0);
    }
    assertThat(d.bypassHedgeWinShare()).isBetween(0.25, AdaptiveDelay.MIN_BYPASS_WIN_SHARE);
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    assertThat(d.describe()).containsEntry("floorBypassed", false);
  }

  @Test
  void aCalmDependencysUnluckyStretchKeepsTheBypassOpen() {
    // Hedges at the learned delay on a calm dependency win about two times in five.
    floorHedges(100, true);
    for (int i = 0; i < 2_000; i++) {
      d.recordHedgeOutcome(learned, i % 5 < 2);
    }
    assertThat(d.bypassHedgeWinShare()).isBetween(0.38, 0.42);
    // By chance (3.75 standard deviations), 150 of them win only one time in four: an average over
    // about 128 fell to 0.296 and closed the bypass; over about 256 it is at 0.333.
    for (int i = 0; i < 150; i++) {
      d.recordHedgeOutcome(learned, i % 4 == 0);
    }
    assertThat(d.bypassHedgeWinShare()).isGreaterThan(AdaptiveDelay.MIN_BYPASS_WIN_SHARE);
    assertThat(d.delayNanos(1)).isEqualTo(learned);
  }

  @Test
  void aFirstHedgeArmedAtNineTenthsOfTheFloorCountsAsSentAtTheFloor() {
    // Refusals may raise the floor while a call runs.
    for (int i = 0; i < 29; i++) {
      d.recordHedgeOutcome((long) Math.ceil(0.9 * d.refusalFloorNanos()), true);
    }
    assertThat(d.floorHedgeWinShare()).isGreaterThanOrEqualTo(0.6);
    d.recordHedgeOutcome((long) (0.89 * d.refusalFloorNanos()), false);
    assertThat(d.bypassHedgeWinShare()).isLessThan(AdaptiveDelay.BYPASS_WIN_PRIOR);
  }

  @Test
  void outcomesWhileNoFloorIsUpTeachNothing() {
    AdaptiveDelay fresh =
        new AdaptiveDelay(
            DelayConfig.builder().strategy(HedgeDelayType.ADAPTIVE).warmupSamples(0).build(),
            BUDGET,
            clock,
            () -> 1.0);
    for (int i = 0; i < 100; i++) {
      fresh.recordHedgeOutcome(10 * MS, true);
      fresh.recordHedgeOutcome(10 * MS, false);
    }
    assertThat(fresh.floorHedgeWinShare()).isZero();
    assertThat(fresh.bypassHedgeWinShare()).isEqualTo(AdaptiveDelay.BYPASS_WIN_PRIOR);
  }

  @Test
  void aStrategyThatCannotSeeABucketNeverBypassesItsFloor() {
    AdaptiveDelay alone = new AdaptiveDelay(warmAt100ms(), BUDGET, clock);
    alone.recordBudgetExhausted(false);
    for (int i = 0; i < 1_000; i++) {
      alone.recordPrimary(MS, true);
    }
    long f = (long) alone.refusalFloorNanos();
    assertThat(alone.learnedDelayNanos()).isLessThan(f);
    for (int i = 0; i < 100; i++) {
      alone.recordHedgeOutcome(f, true);
    }
    assertThat(alone.floorHedgeWinShare()).isGreaterThan(0.9);
    assertThat(alone.delayNanos(1)).isEqualTo(f);
  }

  @Test
  void describeShowsTheBypassAndTheWinShares() {
    floorHedges(100, true);
    assertThat(d.describe())
        .containsEntry("floorBypassed", true)
        .containsEntry("floorHedgeWins", 0.96)
        .containsEntry("bypassHedgeWins", 0.5)
        // Every first hedge, over about 256 from even odds: 0.5 + 0.5 * (1 - (255/256)^100).
        .containsEntry("hedgeWins", 0.66);
  }

  @Test
  void aClosedBypassIsTriedAgainOnceTheFloorHasHalved() {
    floorHedges(100, true);
    for (int i = 0; i < 250; i++) {
      d.recordHedgeOutcome(learned, false);
    }
    assertThat(d.delayNanos(1)).isEqualTo(floor);
    // Without refusals the floor halves in FLOOR_HALF_LIFE: 36,000 calls at the step for 400/s.
    for (int i = 0; i < 35_500; i++) {
      d.recordPrimary(MS, true);
    }
    assertThat(d.refusalFloorNanos()).isGreaterThan(floor / 2.0);
    assertThat(d.delayNanos(1)).isEqualTo((long) d.refusalFloorNanos());
    for (int i = 0; i < 1_000; i++) {
      d.recordPrimary(MS, true);
    }
    assertThat(d.refusalFloorNanos()).isLessThan(floor / 2.0);
    assertThat(d.bypassHedgeWinShare()).isEqualTo(AdaptiveDelay.BYPASS_WIN_PRIOR);
    assertThat(d.delayNanos(1)).isEqualTo((long) d.learnedDelayNanos());
  }

  @Test
  void theWinSharesAreForgottenWithTheFloor() {
    floorHedges(100, true);
    d.recordHedgeOutcome(learned, false);
    for (int i = 0; i < 1_000_000 && d.refusalFloorNanos() > 0; i++) {
      d.recordPrimary(MS, true);
    }
    assertThat(d.refusalFloorNanos()).isZero();
    assertThat(d.floorHedgeWinShare()).isZero();
    assertThat(d.bypassHedgeWinShare()).isEqualTo(AdaptiveDelay.BYPASS_WIN_PRIOR);
    // A new floor needs new evidence before it is bypassed.
    for (int i = 0; i < 50; i++) {
      d.recordBudgetExhausted(false);
    }
    for (int i = 0; i < 1_000; i++) {
      d.recordPrimary(MS, true);
    }
    assertThat(d.refusalFloorNanos()).isGreaterThan(d.learnedDelayNanos());
    assertThat(d.delayNanos(1)).isEqualTo((long) d.refusalFloorNanos());
  }

  @Test
  void aHedgeAtALearnedDelayAboveTheFloorIsOneAtTheDelayInUse() {
    // Slow calls push the learned delay above the floor: hedges then go at the learned delay.
    for (int i = 0; i < 2_000; i++) {
      d.recordPrimary(1_000 * MS, true);
    }
    assertThat(d.learnedDelayNanos()).isGreaterThan(d.refusalFloorNanos());
    for (int i = 0; i < 100; i++) {
      d.recordHedgeOutcome((long) d.learnedDelayNanos(), true);
    }
    assertThat(d.floorHedgeWinShare()).isGreaterThan(0.9);
    assertThat(d.bypassHedgeWinShare()).isEqualTo(AdaptiveDelay.BYPASS_WIN_PRIOR);
  }

  /** Raises a floor over a learned delay of about 1 ms, and shows hedges at the floor winning. */
  static AdaptiveDelay floorWithWins(AdaptiveDelay a) {
    a.recordBudgetExhausted(false);
    for (int i = 0; i < 1_000; i++) {
      a.recordPrimary(MS, true);
    }
    for (int i = 0; i < 100; i++) {
      a.recordHedgeOutcome((long) a.refusalFloorNanos(), true);
    }
    return a;
  }

  @Test
  void aHedgersAdaptiveStrategyReadsThatHedgersBucketAlsoAfterAReload() {
    DelayConfig adaptive = warmAt100ms();
    Hedger h =
        Hedger.builder("bypass")
            .config(HedgeConfig.builder().delay(adaptive).budget(BUDGET).build())
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build();
    for (int round = 0; round < 2; round++) {
      AdaptiveDelay a = floorWithWins((AdaptiveDelay) h.strategy());
      long learnedNow = (long) a.learnedDelayNanos();
      assertThat(a.delayNanos(1)).as("full bucket").isEqualTo(learnedNow);
      for (int i = 0; i < 6; i++) {
        assertThat(h.budget().tryAcquire()).isTrue(); // 4 of 10 tokens left
      }
      assertThat(a.delayNanos(1)).as("bucket below half").isEqualTo((long) a.refusalFloorNanos());
      // A reload to another strategy and back builds a new ADAPTIVE, on the same bucket.
      h.reconfigure(c -> c.delay(DelayConfig.builder().strategy(HedgeDelayType.FIXED).build()));
      h.reconfigure(c -> c.delay(adaptive));
      for (int i = 0; i < 200; i++) { // 200 primaries earn the 6 tokens back, and more
        h.budget().onPrimary();
      }
    }
  }
}
