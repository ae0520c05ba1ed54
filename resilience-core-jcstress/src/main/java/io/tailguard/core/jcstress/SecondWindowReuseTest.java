package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.internal.SecondWindow;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IJ_Result;

/**
 * Two threads count the first events of a new second whose bucket held an old second's counts (the
 * hedge budget's primaries): both find the bucket stale and race to reset and claim it. Neither
 * event may be lost or wiped by the other's reset, none of the old counts may survive, and the
 * sliding sum the hedge budget's capacity reads must see both.
 */
@JCStressTest
@Description("SecondWindow: two counters claim a reused bucket; nothing lost, nothing stale")
@Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "both counted, the old second gone")
@Outcome(expect = FORBIDDEN, desc = "an event lost or wiped, or an old count kept")
@State
public class SecondWindowReuseTest {

  final TestClock clock = new TestClock();
  final SecondWindow window = new SecondWindow(clock, 2, 1);

  {
    for (int i = 0; i < 5; i++) {
      window.increment(0); // second 0
    }
    clock.advanceMillis(2_000); // second 2 maps to second 0's bucket
  }

  @Actor
  public void actor1() {
    window.increment(0);
  }

  @Actor
  public void actor2() {
    window.increment(0);
  }

  @Arbiter
  public void arbiter(IJ_Result r) {
    r.r1 = (int) window.slidingSum(0, 1); // second 2 so far; second 1 had nothing
    r.r2 = window.sum(0);
  }
}
