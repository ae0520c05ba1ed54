package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.internal.window.OutcomeCells;
import io.tailguard.core.internal.window.RollingWindow;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * Two windows share one breaker's cells: a late record for the replaced window races the first
 * record of the window that replaced it. The late one must not clear the new window's bucket, and
 * both must count in the lifetime totals.
 */
@JCStressTest
@Description("OutcomeCells: a late record of a replaced window vs the new window's first record")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "the new window has its call; both counted")
@Outcome(expect = FORBIDDEN, desc = "the new window lost its call, or a total was lost")
@State
public class WindowTakeOverTest {

  static final long BUCKET = 100;

  final OutcomeCells cells = new OutcomeCells();
  final RollingWindow old = new RollingWindow(0, BUCKET, 4, 0, null, cells);
  final RollingWindow current = new RollingWindow(0, BUCKET, 4, 1, null, cells);

  @Actor
  public void late() {
    old.record(10, 1, true, false);
  }

  @Actor
  public void fresh() {
    current.record(10, 1, false, false);
  }

  @Arbiter
  public void arbiter(JJ_Result r) {
    r.r1 = current.snapshot(10, 1.0).calls();
    long[] totals = cells.totals();
    r.r2 = totals[0] + totals[1] + totals[2];
  }
}
