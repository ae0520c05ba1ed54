package io.tailguard.core.hedge;

import io.tailguard.core.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * What the budget-line tests share: a budget of 5% whose bucket is spent, and tickets that count
 * their grants. Stateless; each jcstress state owns what it makes.
 */
final class LineFixture {

  private LineFixture() {}

  /** A budget of 5% with no floor refill and a bucket of {@code burst} tokens, all spent. */
  static HedgeBudget spentBudget(int burst) {
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(0.05, 0, burst), Clock.system());
    for (int i = 0; i < burst; i++) {
      budget.tryAcquire();
    }
    return budget;
  }

  /** Starts 19 primaries: 0.95 of a token, one primary short of the next. */
  static void earnAllButOneShare(HedgeBudget budget) {
    for (int i = 0; i < 19; i++) {
      budget.onPrimary();
    }
  }

  /** A ticket whose call takes every token granted to it, counting them. */
  static HedgeBudget.Ticket counting(AtomicInteger grants) {
    return new HedgeBudget.Ticket(
        t -> {
          grants.incrementAndGet();
          return true;
        });
  }

  /**
   * Records the end state in r2 to r4: the grants, whether a token is left for a hedge that asks
   * now (1) or not (0), and how many calls wait in line.
   */
  static void observe(HedgeBudget budget, AtomicInteger grants, IIII_Result r) {
    r.r2 = grants.get();
    r.r3 = budget.tryAcquire() ? 1 : 0;
    r.r4 = budget.waiting();
  }
}
