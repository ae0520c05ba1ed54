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
 * A call leaves the budget's line (it ended) on one thread while a primary on another earns the
 * token that would go to it. Either the call left first and the token stays in the bucket, or the
 * token was granted to it and leaving is too late; never both, never neither.
 */
@JCStressTest
@Description("hedge budget line: leave vs the grant of an earned token")
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "left first: the token stays")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "granted first: leaving is too late")
@Outcome(expect = FORBIDDEN, desc = "a token lost or given twice, or a miscounted line")
@State
public class BudgetLineGrantVsLeaveTest {

  final HedgeBudget budget = LineFixture.spentBudget(1);
  final AtomicInteger grants = new AtomicInteger();
  final HedgeBudget.Ticket ticket = LineFixture.counting(grants);

  {
    budget.acquireOrQueue(ticket);
    LineFixture.earnAllButOneShare(budget);
  }

  @Actor
  public void leave(IIII_Result r) {
    r.r1 = budget.leave(ticket) ? 1 : 0;
  }

  @Actor
  public void earn() {
    budget.onPrimary();
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    LineFixture.observe(budget, grants, r);
  }
}
