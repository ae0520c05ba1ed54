package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The budget's floor refill: it adds only what the primaries' share falls short of the floor, it
 * shows in {@code available()} without a hedge asking, and a busy spell that earned more than the
 * floor adds no floor for its time later.
 */
class HedgeBudgetFloorRefillTest {

  final FakeClock clock = new FakeClock();

  static void drain(HedgeBudget budget) {
    while (budget.tryAcquire()) {
      // spend every token
    }
  }

  @Test
  void theFloorAddsWhatThePrimariesShareFallsShortOf() {
    // Floor 10/s; 4 primaries in the 2s reserve at 0.5 earn 1/s, so the floor adds 9/s.
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.5, 10, 1000), clock);
    drain(budget);
    for (int i = 0; i < 4; i++) {
      budget.onPrimary();
    }
    assertThat(budget.available()).isEqualTo(2.0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(budget.available()).isEqualTo(2.0 + 9.0);
  }

  @Test
  void aBusySpellThatEarnedMoreThanTheFloorAddsNoFloorForItsTime() {
    // 4 primaries at 1.0 earn 2/s over the reserve: more than the 1/s floor.
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(1.0, 1, 100), clock);
    drain(budget);
    for (int i = 0; i < 4; i++) {
      budget.onPrimary();
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(budget.available()).isEqualTo(4.0); // busy: no floor
    clock.advance(Duration.ofSeconds(3)); // quiet: the floor for these three seconds only
    assertThat(budget.available()).isEqualTo(7.0);
  }
}
