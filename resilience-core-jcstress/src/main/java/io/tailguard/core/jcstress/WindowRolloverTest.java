package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.internal.window.RollingWindow;
import io.tailguard.core.internal.window.WindowSnapshot;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two threads record the first calls of a new bucket at the same time: both find its slot empty and
 * race to install the bucket. The loser must add to the winner's bucket, and the bucket before it
 * must be reported completed exactly once.
 */
@JCStressTest
@Description("RollingWindow: two recorders open the same new bucket; no increment lost")
@Outcome(id = "3, 2, 1", expect = ACCEPTABLE, desc = "all counted, old bucket reported once")
@Outcome(expect = FORBIDDEN, desc = "an increment lost, or a bucket reported twice")
@State
public class WindowRolloverTest {

  static final long BUCKET = 100;

  final AtomicInteger completed = new AtomicInteger();
  final RollingWindow window =
      new RollingWindow(0, BUCKET, 4, 0, (calls, failures) -> completed.incrementAndGet());

  {
    window.record(BUCKET - 1, 1, false, false); // the last instant of bucket 0
  }

  @Actor
  public void actor1() {
    window.record(BUCKET, 1, true, false); // the first instant of bucket 1
  }

  @Actor
  public void actor2() {
    window.record(BUCKET + 1, 1, true, false);
  }

  @Arbiter
  public void arbiter(III_Result r) {
    WindowSnapshot s = window.snapshot(BUCKET + 1, 1.0);
    r.r1 = (int) s.calls();
    r.r2 = (int) s.failures();
    r.r3 = completed.get();
  }
}
