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
 * A two-bucket ring after a pause: both threads record in an epoch whose slot still holds a stale
 * bucket from two epochs ago, so both race to replace it. The stale counts must go and both new
 * increments must stay; a thread that resets the slot after the other already counted in it would
 * lose that count.
 */
@JCStressTest
@Description("RollingWindow: two recorders replace the same stale slot; no increment lost")
@Outcome(
    id = "2, 1, 1",
    expect = ACCEPTABLE,
    desc = "both counted, stale bucket gone, reported once")
@Outcome(expect = FORBIDDEN, desc = "an increment lost, stale counts kept, or reported twice")
@State
public class WindowSlotReuseTest {

  static final long BUCKET = 100;

  final AtomicInteger completed = new AtomicInteger();
  final RollingWindow window =
      new RollingWindow(0, BUCKET, 2, 0, (calls, failures) -> completed.incrementAndGet());

  {
    for (int i = 0; i < 5; i++) {
      window.record(10, 1, true, false); // epoch 0, slot 0
    }
  }

  @Actor
  public void actor1() {
    window.record(2 * BUCKET, 1, false, false); // epoch 2, slot 0 again
  }

  @Actor
  public void actor2() {
    window.record(2 * BUCKET + 50, 1, true, false);
  }

  @Arbiter
  public void arbiter(III_Result r) {
    WindowSnapshot s = window.snapshot(2 * BUCKET + 50, 1.0);
    r.r1 = (int) s.calls();
    r.r2 = (int) s.failures();
    r.r3 = completed.get();
  }
}
