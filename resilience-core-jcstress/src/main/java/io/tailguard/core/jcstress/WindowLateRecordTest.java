package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.internal.window.RollingWindow;
import io.tailguard.core.internal.window.WindowSnapshot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * One thread records a call that ended just before a bucket boundary while another records one just
 * after it and moves the window's current bucket forward. The late one must still land in the older
 * bucket, which is inside the window.
 */
@JCStressTest
@Description("RollingWindow: a record for the previous bucket racing the move to the next")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "both counted, each in its own bucket")
@Outcome(expect = FORBIDDEN, desc = "an increment lost")
@State
public class WindowLateRecordTest {

  static final long BUCKET = 100;

  final RollingWindow window = new RollingWindow(0, BUCKET, 4, 0, null);

  @Actor
  public void late() {
    window.record(BUCKET - 1, 1, true, false);
  }

  @Actor
  public void next() {
    window.record(BUCKET, 1, false, false);
  }

  @Arbiter
  public void arbiter(II_Result r) {
    WindowSnapshot s = window.snapshot(BUCKET, 1.0);
    r.r1 = (int) s.calls();
    r.r2 = (int) s.failures();
  }
}
