package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hedge budget's line: hedges that find no token wait in it, and each token goes to the call
 * that has waited longest, not to the hedge that asks next.
 */
class HedgeBudgetLineTest {

  final FakeClock clock = new FakeClock();
  final List<String> granted = new ArrayList<>();

  /** A budget of 5% with a burst of one token and no floor refill, its token spent. */
  HedgeBudget emptyBudget() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 1), clock);
    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isFalse();
    return budget;
  }

  HedgeBudget.Ticket ticket(String name) {
    return new HedgeBudget.Ticket(
        t -> {
          granted.add(name);
          return true;
        });
  }

  /** Starts primaries until the budget has earned one more token: 20 at 5%. */
  static void earnAToken(HedgeBudget budget) {
    for (int i = 0; i < 20; i++) {
      budget.onPrimary();
    }
  }

  @Test
  void tokensGoToTheCallsInLineOldestFirst() {
    HedgeBudget budget = emptyBudget();
    assertThat(budget.acquireOrQueue(ticket("a"))).isFalse();
    assertThat(budget.acquireOrQueue(ticket("b"))).isFalse();
    assertThat(budget.acquireOrQueue(ticket("c"))).isFalse();
    assertThat(budget.waiting()).isEqualTo(3);
    earnAToken(budget);
    assertThat(granted).containsExactly("a");
    earnAToken(budget);
    earnAToken(budget);
    assertThat(granted).containsExactly("a", "b", "c");
    assertThat(budget.waiting()).isZero();
    assertThat(budget.available()).isLessThan(1);
  }

  @Test
  void aHedgeThatAsksWhileCallsWaitJoinsTheEndOfTheLine() {
    HedgeBudget budget = emptyBudget();
    budget.acquireOrQueue(ticket("old"));
    for (int i = 0; i < 19; i++) {
      budget.onPrimary();
    }
    assertThat(budget.tryAcquire()).as("a call waits").isFalse();
    assertThat(budget.acquireOrQueue(ticket("new"))).isFalse();
    budget.onPrimary(); // the 20th share: one token
    assertThat(granted).containsExactly("old");
    earnAToken(budget);
    assertThat(granted).containsExactly("old", "new");
  }

  @Test
  void aHedgeTakesATokenAtOnceWhenNobodyWaits() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, 2), clock);
    assertThat(budget.acquireOrQueue(ticket("a"))).isTrue();
    assertThat(granted).as("no callback for a token taken at once").isEmpty();
    assertThat(budget.waiting()).isZero();
    assertThat(budget.available()).isEqualTo(1.0);
  }

  @Test
  void aCallThatLeftTheLineGetsNoTokenAndTheNextDoes() {
    HedgeBudget budget = emptyBudget();
    HedgeBudget.Ticket gone = ticket("gone");
    budget.acquireOrQueue(gone);
    budget.acquireOrQueue(ticket("next"));
    assertThat(budget.leave(gone)).isTrue();
    assertThat(budget.waiting()).isEqualTo(1);
    earnAToken(budget);
    assertThat(granted).containsExactly("next");
    assertThat(budget.leave(gone)).as("leaving twice changes nothing").isFalse();
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void aTokenDeclinedGoesToTheNextInLine() {
    HedgeBudget budget = emptyBudget();
    budget.acquireOrQueue(
        new HedgeBudget.Ticket(
            t -> {
              granted.add("declined");
              return false; // its call ended in the meantime
            }));
    budget.acquireOrQueue(ticket("next"));
    earnAToken(budget);
    assertThat(granted).containsExactly("declined", "next");
    assertThat(budget.available()).isLessThan(1);
  }

  @Test
  void aTokenDeclinedWithNobodyElseInLineStaysInTheBucket() {
    HedgeBudget budget = emptyBudget();
    HedgeBudget.Ticket declines = new HedgeBudget.Ticket(t -> false);
    budget.acquireOrQueue(declines);
    earnAToken(budget);
    assertThat(declines.isGranted()).isTrue();
    assertThat(budget.waiting()).isZero();
    assertThat(budget.tryAcquire()).isTrue();
  }

  @Test
  void leavingAfterTheGrantIsTooLate() {
    HedgeBudget budget = emptyBudget();
    HedgeBudget.Ticket t = ticket("a");
    budget.acquireOrQueue(t);
    earnAToken(budget);
    assertThat(t.isGranted()).isTrue();
    assertThat(budget.leave(t)).isFalse();
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void aCallThatLeftBeforeGettingInLineNeverJoinsIt() {
    HedgeBudget budget = emptyBudget();
    HedgeBudget.Ticket t = ticket("late");
    assertThat(budget.leave(t)).isTrue();
    assertThat(budget.acquireOrQueue(t)).isFalse();
    assertThat(budget.waiting()).isZero();
    budget.acquireOrQueue(ticket("next"));
    earnAToken(budget);
    assertThat(granted).containsExactly("next");
  }

  @Test
  void aRefundGoesToTheLine() {
    HedgeBudget budget = emptyBudget();
    budget.acquireOrQueue(ticket("a"));
    budget.refund(); // a hedge that a breaker refused gives its token back
    assertThat(granted).containsExactly("a");
  }

  @Test
  void theFloorRefillOfAQuietServiceReachesTheLineWhenItIsDrained() {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 1, 1), clock);
    assertThat(budget.tryAcquire()).isTrue();
    budget.acquireOrQueue(ticket("a"));
    clock.advance(Duration.ofSeconds(1)); // one token of floor refill, added when read
    assertThat(granted).isEmpty();
    budget.drain(); // the waiting call looks again
    assertThat(granted).containsExactly("a");
  }
}
