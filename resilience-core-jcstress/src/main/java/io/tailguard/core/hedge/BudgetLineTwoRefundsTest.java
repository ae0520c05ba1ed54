package io.tailguard.core.hedge;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Two calls wait in the budget's line; two tokens come back at once, on two threads (refunds of
 * hedges a breaker refused). Each waiting call gets exactly one, and none is left over. The bucket
 * holds two tokens: one that holds a single token drops the second of two simultaneous refunds
 * before either drains the line, as a full bucket drops what it cannot hold.
 */
@JCStressTest
@Description("hedge budget line: two concurrent drains serve each waiting call once")
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "each call granted once")
@Outcome(expect = FORBIDDEN, desc = "a call granted twice or not at all, or a token left over")
@State
public class BudgetLineTwoRefundsTest {

  final HedgeBudget budget = LineFixture.spentBudget(2);
  final AtomicInteger first = new AtomicInteger();
  final AtomicInteger second = new AtomicInteger();

  {
    budget.acquireOrQueue(LineFixture.counting(first));
    budget.acquireOrQueue(LineFixture.counting(second));
  }

  @Actor
  public void refundOne() {
    budget.refund();
  }

  @Actor
  public void refundAnother() {
    budget.refund();
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = first.get();
    r.r2 = second.get();
    r.r3 = budget.tryAcquire() ? 1 : 0;
    r.r4 = budget.waiting();
  }
}
