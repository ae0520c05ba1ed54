package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hedge budget's reserve: a few seconds of the budget's share, following the traffic. */
class HedgeBudgetTest {

  final FakeClock clock = new FakeClock();

  /** Starts {@code perSecond} primaries a second, evenly, for {@code seconds} seconds. */
  void traffic(HedgeBudget budget, int perSecond, int seconds) {
    for (int s = 0; s < seconds; s++) {
      for (int i = 0; i < perSecond; i++) {
        budget.onPrimary();
        clock.advanceNanos(1_000_000_000L / perSecond);
      }
    }
  }

  @Test
  void quietSecondsSaveUpToTheReserveOfTheBudgetsShare() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 1), clock);
    traffic(budget, 400, 20);
    // 5% of the primaries of the last two seconds, within a primary's share: the oldest second
    // counts pro rata
    double reserve = 0.05 * 400 * HedgeBudget.RESERVE_SECONDS;
    assertThat(budget.available()).isCloseTo(reserve, within(0.05 + 1e-6));
    int hedges = 0;
    while (budget.tryAcquire()) {
      hedges++;
    }
    assertThat(hedges).isBetween((int) reserve - 1, (int) reserve); // rounding down may cost one
  }

  @Test
  void theReserveFitsInTheWindowItIsReadFrom() {
    assertThat(HedgeBudget.RESERVE_SECONDS).isLessThan(HedgeBudget.SPEND_SECONDS);
  }

  @Test
  void theReserveHoldsAcrossSecondBoundaries() {
    // The capacity counts the primaries of the last two seconds: counting only the current
    // second and the one before dropped it to one second's share at every boundary, and the excess
    // was lost.
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 1), clock);
    traffic(budget, 400, 10);
    double reserve = 0.05 * 400 * HedgeBudget.RESERVE_SECONDS;
    for (int quarter = 0; quarter < 8; quarter++) {
      assertThat(budget.available())
          .as("after %d quarter seconds", quarter)
          .isCloseTo(reserve, within(0.06));
      for (int i = 0; i < 100; i++) {
        budget.onPrimary();
        clock.advanceNanos(2_500_000L);
      }
    }
  }

  @Test
  void theReserveFallsWithTheTrafficAndNeverBelowTheBurst() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 3), clock);
    traffic(budget, 400, 10);
    assertThat(budget.available())
        .isCloseTo(0.05 * 400 * HedgeBudget.RESERVE_SECONDS, within(0.05 + 1e-6));
    clock.advance(Duration.ofSeconds(30));
    traffic(budget, 10, 1); // a trickle: the capacity is the burst again
    assertThat(budget.available()).isEqualTo(3.0);
  }

  @Test
  void aColdBudgetHoldsTheBurst() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 10), clock);
    assertThat(budget.available()).isEqualTo(10.0);
    budget.onPrimary();
    assertThat(budget.available()).isEqualTo(10.0);
  }

  @Test
  void aBudgetIsSpentOnFailuresOnceAttemptsAfterFailuresTookHalfItsShareOverTenSeconds() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 1), clock);
    assertThat(budget.spentOnFailures()).as("nothing earned, nothing taken").isFalse();
    for (int i = 0; i < 1000; i++) {
      budget.onPrimary(); // 1,000 primaries earn 50 tokens; 25 is half
    }
    assertThat(budget.spentOnFailures()).isFalse();
    for (int i = 0; i < 24; i++) {
      assertThat(budget.tryAcquireAfterFailure()).isTrue();
    }
    assertThat(budget.spentOnFailures()).as("24 of 50").isFalse();
    assertThat(budget.tryAcquireAfterFailure()).isTrue();
    assertThat(budget.spentOnFailures()).as("25 of 50").isTrue();
    clock.advance(Duration.ofSeconds(HedgeBudget.SPEND_SECONDS));
    traffic(budget, 100, 1);
    assertThat(budget.spentOnFailures()).as("the window forgot them").isFalse();
  }

  @Test
  void hedgesThatTheDelaySentNeverMakeTheBudgetSpentOnFailures() {
    // A delay aiming at 80% of the share plus a burst takes the whole share: that is what a refusal
    // must report to the delay, not hide from it.
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 1), clock);
    for (int i = 0; i < 1000; i++) {
      budget.onPrimary();
    }
    int taken = 0;
    while (budget.tryAcquire()) {
      taken++;
    }
    assertThat(taken).isEqualTo(50);
    assertThat(budget.spentOnFailures()).isFalse();
    assertThat(budget.tryAcquireAfterFailure()).as("an empty bucket, for failures too").isFalse();
    assertThat(budget.spentOnFailures()).as("a refused attempt took nothing").isFalse();
  }

  @Test
  void aRetryWhileNoPrimaryEarnedAnythingSpendsTheBudgetOnFailures() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 3), clock);
    assertThat(budget.tryAcquireAfterFailure()).as("the burst pays for it").isTrue();
    assertThat(budget.spentOnFailures()).isTrue();
  }

  @Test
  void theFillIsTheTokensOverWhatTheBucketMayHoldNow() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 10), clock);
    assertThat(budget.fill()).isEqualTo(1.0);
    for (int i = 0; i < 4; i++) {
      assertThat(budget.tryAcquire()).isTrue();
    }
    assertThat(budget.fill()).isCloseTo(0.6, within(1e-9));
    while (budget.tryAcquire()) {
      // empty it
    }
    assertThat(budget.fill()).isLessThan(0.1);
    // Busy: the capacity is the share of the reserve's primaries, and they refill it.
    traffic(budget, 400, 10);
    assertThat(budget.fill()).isCloseTo(1.0, within(0.05));
  }
}
