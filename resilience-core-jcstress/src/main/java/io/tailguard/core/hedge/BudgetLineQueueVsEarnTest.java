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
 * A hedge asks for a token on one thread while a primary on another earns the bucket's missing
 * share. The hedge takes the token at once, or waits in line and is granted it: never a token left
 * in the bucket while the hedge waits for one (a lost wake-up).
 */
@JCStressTest
@Description("hedge budget line: a hedge joining the line vs the token that would serve it")
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "earned first: taken at once")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "in line first: granted when earned")
@Outcome(expect = FORBIDDEN, desc = "a hedge waiting beside a token, or a token used twice")
@State
public class BudgetLineQueueVsEarnTest {

  final HedgeBudget budget = LineFixture.spentBudget(1);
  final AtomicInteger grants = new AtomicInteger();
  final HedgeBudget.Ticket ticket = LineFixture.counting(grants);

  {
    LineFixture.earnAllButOneShare(budget);
  }

  @Actor
  public void ask(IIII_Result r) {
    r.r1 = budget.acquireOrQueue(ticket) ? 1 : 0;
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
